using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using Stripe;

namespace OpenTrain.Clean.Infrastructure.Payments.Stripe;

/// <summary>The money coming in and going back: the funding PaymentIntent, its state, and the refund of its charge.</summary>
public sealed partial class StripePaymentGateway
{
    public async Task<FundingResult> FundAsync(FundingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var create = new PaymentIntentCreateOptions
        {
            Amount = request.Amount.Amount,
            Currency = request.Amount.Currency.ToLowerInvariant(),
            Customer = request.CustomerId,
            PaymentMethod = request.PaymentMethodId,
            AllowedPaymentMethodTypes = [request.PaymentMethodType == PaymentMethodType.UsBankAccount ? "us_bank_account" : "card"],
            Confirm = true,
            TransferGroup = request.TransferGroup,
            Description = request.Description,
            Metadata = new Dictionary<string, string>(request.Metadata),
        };
        if (request.PaymentMethodType == PaymentMethodType.UsBankAccount)
        {
            // The debit mandate was collected with the SetupIntent when the employer added the account.
            create.OffSession = true;
        }

        try
        {
            var intent = await new PaymentIntentService(client).CreateAsync(create, Idempotent(request.IdempotencyKey), cancellationToken);
            return ToFundingResult(intent);
        }
        catch (StripeException exception) when (IsOurConfiguration(exception))
        {
            throw Misconfigured("create payment intent", exception);
        }
        catch (StripeException exception) when (exception.StripeError?.Type == "idempotency_error")
        {
            // The attempt's key was used with other parameters (the default card changed before a redrive):
            // the attempt's PaymentIntent, if there is one, is found by its metadata instead.
            return await FindAttemptAsync(request, cancellationToken)
                ?? throw Unknown("create payment intent", exception);
        }
        catch (StripeException exception) when (exception.StripeError?.Type == "card_error")
        {
            return new FundingResult(
                FundingOutcome.Declined,
                exception.StripeError.PaymentIntent?.Id,
                DeclineCode: exception.StripeError.DeclineCode ?? exception.StripeError.Code ?? "card_declined",
                Message: exception.StripeError.Message);
        }
        catch (StripeException exception) when (exception.StripeError?.Type == "invalid_request_error" && exception.HttpStatusCode != System.Net.HttpStatusCode.TooManyRequests)
        {
            LogPermanent(exception, "create payment intent", RequestId(exception), exception.StripeError.Code);
            return new FundingResult(FundingOutcome.Declined, exception.StripeError.PaymentIntent?.Id, DeclineCode: exception.StripeError.Code ?? "invalid_request", Message: exception.StripeError.Message);
        }
        catch (Exception exception) when (IsOutcomeUnknown(exception, cancellationToken))
        {
            throw Unknown("create payment intent", exception);
        }
    }

    /// <summary>The customer's PaymentIntent of this milestone and attempt (listing is strongly consistent; search is not).</summary>
    private async Task<FundingResult?> FindAttemptAsync(FundingRequest request, CancellationToken cancellationToken)
    {
        var intents = await Call("list payment intents", () => new PaymentIntentService(client).ListAsync(
            new PaymentIntentListOptions { Customer = request.CustomerId, Limit = 100 }, cancellationToken: cancellationToken));
        var wanted = request.Metadata;
        var intent = intents.Data.FirstOrDefault(i => i.Metadata is { } m
            && m.TryGetValue("milestone_id", out var milestone) && milestone == wanted.GetValueOrDefault("milestone_id")
            && m.TryGetValue("funding_attempt", out var attempt) && attempt == wanted.GetValueOrDefault("funding_attempt"));
        return intent is null ? null : ToFundingResult(intent);
    }

    public async Task<FundingResult> GetFundingAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        ToFundingResult(await Call("get payment intent", () => new PaymentIntentService(client).GetAsync(paymentIntentId, cancellationToken: cancellationToken)));

    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var refund = await new RefundService(client).CreateAsync(
                new RefundCreateOptions
                {
                    Charge = request.ChargeId,
                    PaymentIntent = request.ChargeId is null ? request.PaymentIntentId : null,
                    Amount = request.Amount.Amount,
                    Reason = request.Reason == RefundReason.Duplicate ? "duplicate" : "requested_by_customer",
                    Metadata = new Dictionary<string, string>(request.Metadata),
                },
                Idempotent(request.IdempotencyKey),
                cancellationToken);
            return refund.Status is "failed" or "canceled"
                ? new RefundResult(RefundOutcome.Failed, refund.Id, refund.FailureReason)
                : new RefundResult(RefundOutcome.Succeeded, refund.Id);
        }
        catch (StripeException exception) when (exception.StripeError?.Type == "invalid_request_error" && (int)exception.HttpStatusCode != 429)
        {
            if (exception.StripeError.Code == "charge_already_refunded" && request.ChargeId is not null
                && await FindRefundAsync(request.ChargeId, cancellationToken) is { } existing)
            {
                // Refunded already (in the dashboard, or by this key more than a day ago): the money is back, once.
                return new RefundResult(RefundOutcome.Succeeded, existing);
            }

            LogPermanent(exception, "create refund", RequestId(exception), exception.StripeError.Code);
            return new RefundResult(RefundOutcome.Failed, Error: exception.StripeError.Message);
        }
        catch (Exception exception) when (IsOutcomeUnknown(exception, cancellationToken))
        {
            throw Unknown("create refund", exception);
        }
    }

    public async Task<string?> FindRefundAsync(string chargeId, CancellationToken cancellationToken)
    {
        var refunds = await Call("list refunds", () => new RefundService(client).ListAsync(new RefundListOptions { Charge = chargeId, Limit = 10 }, cancellationToken: cancellationToken));
        return refunds.Data.OrderByDescending(r => r.Created).FirstOrDefault()?.Id;
    }

    internal static FundingResult ToFundingResult(PaymentIntent intent) => intent.Status switch
    {
        "succeeded" => new FundingResult(FundingOutcome.Succeeded, intent.Id, intent.LatestChargeId, Amount: intent.Amount),
        "processing" => new FundingResult(FundingOutcome.Processing, intent.Id, Amount: intent.Amount),
        "requires_action" => new FundingResult(FundingOutcome.RequiresAction, intent.Id, ClientSecret: intent.ClientSecret, Amount: intent.Amount),
        "requires_payment_method" or "canceled" => new FundingResult(
            FundingOutcome.Declined,
            intent.Id,
            DeclineCode: intent.LastPaymentError?.DeclineCode ?? intent.LastPaymentError?.Code ?? (intent.Status == "canceled" ? "payment_intent_canceled" : "card_declined"),
            Message: intent.LastPaymentError?.Message ?? (intent.Status == "canceled" ? "The payment was canceled." : "The payment was declined."),
            Amount: intent.Amount),
        _ => new FundingResult(FundingOutcome.Unknown, intent.Id, Message: $"PaymentIntent status {intent.Status}", Amount: intent.Amount),
    };

    /// <summary>Retryable: rate limits, Stripe's 5xx, an empty platform balance. Setup: the destination lacks transfers.</summary>
}
