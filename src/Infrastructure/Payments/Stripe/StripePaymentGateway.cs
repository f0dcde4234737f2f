using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using Stripe;

namespace OpenTrain.Clean.Infrastructure.Payments.Stripe;

/// <summary>
/// The payments port on Stripe, "separate charges and transfers": the employer's PaymentIntent
/// lands on the platform, a Transfer later moves the trainer's share to their connected account.
/// Every creating call carries our idempotency key; errors are classified by Stripe's error type
/// and code, never by message text.
/// </summary>
public sealed partial class StripePaymentGateway(IStripeClient client, IOptions<StripeOptions> options, ILogger<StripePaymentGateway> logger) : IPaymentGateway
{
    private const string InsufficientCapabilitiesForTransfer = "insufficient_capabilities_for_transfer";

    public string Name => "stripe";

    public async Task<string> EnsureCustomerAsync(CustomerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var customer = await Call(
            "create customer",
            () => new CustomerService(client).CreateAsync(
                new CustomerCreateOptions
                {
                    Name = request.Name,
                    Email = string.IsNullOrEmpty(request.Email) ? null : request.Email,
                    Metadata = new Dictionary<string, string> { ["employer_id"] = request.EmployerId.Value.ToString() },
                },
                Idempotent(ProviderIdempotencyKeys.Customer(request.EmployerId)),
                cancellationToken));
        return customer.Id;
    }

    public async Task<PaymentMethodSummary> AttachPaymentMethodAsync(string customerId, string paymentMethodId, CancellationToken cancellationToken)
    {
        PaymentMethod method;
        try
        {
            method = await new PaymentMethodService(client).AttachAsync(
                paymentMethodId,
                new PaymentMethodAttachOptions { Customer = customerId },
                Idempotent(ProviderIdempotencyKeys.AttachPaymentMethod(customerId, paymentMethodId)),
                cancellationToken);
        }
        catch (StripeException exception) when (exception.StripeError?.Type is "invalid_request_error" or "card_error")
        {
            throw new PaymentMethodRejectedException(exception.StripeError.Code ?? exception.StripeError.Type, exception.StripeError.Message ?? "Stripe refused the payment method.");
        }

        await Call(
            "set default payment method",
            () => new CustomerService(client).UpdateAsync(
                customerId,
                new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = method.Id } },
                Idempotent(ProviderIdempotencyKeys.DefaultPaymentMethod(customerId, method.Id)),
                cancellationToken));
        return method.Type switch
        {
            "us_bank_account" => new PaymentMethodSummary(method.Id, PaymentMethodType.UsBankAccount, method.UsBankAccount?.BankName, method.UsBankAccount?.Last4),
            _ => new PaymentMethodSummary(method.Id, PaymentMethodType.Card, method.Card?.Brand, method.Card?.Last4),
        };
    }

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

    public async Task<TransferResult> TransferAsync(TransferRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            // Stripe forgets idempotency keys after about a day: after a long outage the transfer may
            // exist while its key is gone. The transfer group (the milestone) finds it either way.
            var existing = await new TransferService(client).ListAsync(new TransferListOptions { TransferGroup = request.TransferGroup, Limit = 10 }, cancellationToken: cancellationToken);
            var previous = existing.Data.FirstOrDefault(t => t.Destination?.Id == request.ConnectedAccountId || t.DestinationId == request.ConnectedAccountId);
            if (previous is not null)
            {
                return new TransferResult(TransferOutcome.Succeeded, previous.Id);
            }

            var transfer = await new TransferService(client).CreateAsync(
                new TransferCreateOptions
                {
                    Amount = request.Amount.Amount,
                    Currency = request.Amount.Currency.ToLowerInvariant(),
                    Destination = request.ConnectedAccountId,
                    SourceTransaction = request.SourceChargeId,
                    TransferGroup = request.TransferGroup,
                    Metadata = new Dictionary<string, string>(request.Metadata),
                },
                Idempotent(request.IdempotencyKey),
                cancellationToken);
            return new TransferResult(TransferOutcome.Succeeded, transfer.Id);
        }
        catch (StripeException exception) when (IsOurConfiguration(exception))
        {
            // Retried on the schedule until the key is fixed; no transfer can have been made.
            LogPermanent(exception, "create transfer", RequestId(exception), "authentication");
            return new TransferResult(TransferOutcome.Retryable, Error: "Stripe refused our credentials; check Stripe:SecretKey.");
        }
        catch (StripeException exception) when (exception.StripeError is { } error)
        {
            var outcome = Classify(exception);
            if (outcome == TransferOutcome.Failed)
            {
                LogPermanent(exception, "create transfer", RequestId(exception), error.Code);
            }

            return new TransferResult(outcome, Error: $"{error.Type}/{error.Code}: {error.Message}");
        }
        catch (Exception exception) when (IsOutcomeUnknown(exception, cancellationToken))
        {
            return new TransferResult(TransferOutcome.Unknown, Error: exception.Message);
        }
    }

    public async Task<string> CreateConnectedAccountAsync(ConnectedAccountRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        var create = new AccountCreateOptions
        {
            Type = "express",
            Country = request.Country,
            Email = string.IsNullOrEmpty(request.Email) ? null : request.Email,
            Capabilities = new AccountCapabilitiesOptions { Transfers = new AccountCapabilitiesTransfersOptions { Requested = true } },
            Metadata = new Dictionary<string, string> { ["trainer_id"] = request.TrainerId.Value.ToString() },
        };
        if (!string.Equals(request.Country, settings.PlatformCountry, StringComparison.OrdinalIgnoreCase))
        {
            // Cross-border payouts: the trainer receives transfers without card payments of their own.
            create.TosAcceptance = new AccountTosAcceptanceOptions { ServiceAgreement = "recipient" };
        }

        var account = await Call("create account", () => new AccountService(client).CreateAsync(create, Idempotent(request.IdempotencyKey), cancellationToken));
        return account.Id;
    }

    public async Task<ConnectedAccountStatus> GetConnectedAccountAsync(string connectedAccountId, CancellationToken cancellationToken)
    {
        var account = await Call("get account", () => new AccountService(client).GetAsync(connectedAccountId, cancellationToken: cancellationToken));
        return new ConnectedAccountStatus(
            account.Id,
            account.PayoutsEnabled,
            account.Capabilities?.Transfers == "active",
            account.DetailsSubmitted,
            account.Requirements?.CurrentlyDue?.ToList() ?? []);
    }

    public async Task<string> CreateOnboardingLinkAsync(string connectedAccountId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var link = await Call(
            "create account link",
            () => new AccountLinkService(client).CreateAsync(
                new AccountLinkCreateOptions
                {
                    Account = connectedAccountId,
                    Type = "account_onboarding",
                    RefreshUrl = settings.ConnectRefreshUrl,
                    ReturnUrl = settings.ConnectReturnUrl,
                },
                cancellationToken: cancellationToken));
        return link.Url;
    }

    public async Task<string> CreateSetupIntentAsync(string customerId, CancellationToken cancellationToken)
    {
        var intent = await Call(
            "create setup intent",
            () => new SetupIntentService(client).CreateAsync(
                new SetupIntentCreateOptions { Customer = customerId, AllowedPaymentMethodTypes = ["card", "us_bank_account"], Usage = "off_session" },
                cancellationToken: cancellationToken));
        return intent.ClientSecret;
    }

    public async Task<SubscriptionResult> CreateSubscriptionAsync(SubscriptionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prices = options.Value.Prices;
        var price = request.Plan switch
        {
            BillingPlan.Agency => prices.Agency,
            BillingPlan.Recruiting => prices.Recruiting,
            _ => null,
        } ?? throw new PaymentProviderException($"No Stripe price is configured for the {request.Plan} plan (Stripe:Prices:{request.Plan}).");
        var subscription = await Call(
            "create subscription",
            () => new SubscriptionService(client).CreateAsync(
                new SubscriptionCreateOptions
                {
                    Customer = request.CustomerId,
                    Items = [new SubscriptionItemOptions { Price = price }],
                    PaymentBehavior = "allow_incomplete",
                    Metadata = new Dictionary<string, string> { ["plan"] = request.Plan.ToString().ToLowerInvariant() },

                    // A first payment that needs 3-D Secure leaves the subscription incomplete: Stripe.js confirms it with this secret.
                    Expand = [LatestInvoiceConfirmation],
                },
                Idempotent(request.IdempotencyKey),
                cancellationToken));
        return ToSubscriptionResult(subscription);
    }

    public async Task<SubscriptionResult> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = await Call(
            "get subscription",
            () => new SubscriptionService(client).GetAsync(subscriptionId, new SubscriptionGetOptions { Expand = [LatestInvoiceConfirmation] }, cancellationToken: cancellationToken));
        return ToSubscriptionResult(subscription);
    }

    private const string LatestInvoiceConfirmation = "latest_invoice.confirmation_secret";

    private static SubscriptionResult ToSubscriptionResult(Subscription subscription) =>
        new(subscription.Id, StripeStatuses.Subscription(subscription.Status), subscription.LatestInvoice?.ConfirmationSecret?.ClientSecret);

    public async Task<SubscriptionResult> CancelSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = await Call("cancel subscription", () => new SubscriptionService(client).CancelAsync(subscriptionId, cancellationToken: cancellationToken));
        return new SubscriptionResult(subscription.Id, StripeStatuses.Subscription(subscription.Status));
    }

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

    public async Task<IReadOnlyList<RecordedProviderEvent>> ListEventsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var options = new EventListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime },
            Types = [.. StripeWebhookParser.HandledTypes.Where(t => t != "account.updated")],
            Limit = 100,
        };
        var events = new List<Event>();
        await Call("list events", async () =>
        {
            await foreach (var stripeEvent in new EventService(client).ListAutoPagingAsync(options, cancellationToken: cancellationToken))
            {
                events.Add(stripeEvent);
                if (events.Count >= MaxEventsPerSweep)
                {
                    break;
                }
            }

            return events;
        });
        return [.. events.OrderBy(e => e.Created).Select(e => new RecordedProviderEvent(StripeWebhookParser.Translate(e), new DateTimeOffset(e.Created, TimeSpan.Zero)))];
    }

    /// <summary>A sweep reads at most this many events; the rest wait for the next one (the cursor stays behind them).</summary>
    private const int MaxEventsPerSweep = 1000;

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
    internal static TransferOutcome Classify(StripeException exception)
    {
        var error = exception.StripeError;
        var status = (int)exception.HttpStatusCode;
        return (error?.Type, error?.Code) switch
        {
            (_, "balance_insufficient") => TransferOutcome.Retryable,
            (_, InsufficientCapabilitiesForTransfer) => TransferOutcome.DestinationNotReady,
            ("rate_limit_error", _) => TransferOutcome.Retryable,
            ("api_error", _) => TransferOutcome.Retryable,
            ("api_connection_error", _) => TransferOutcome.Unknown,
            (_, "rate_limit") => TransferOutcome.Retryable,
            _ when status == 429 || status >= 500 => TransferOutcome.Retryable,
            _ => TransferOutcome.Failed,
        };
    }

    private static RequestOptions Idempotent(string key) => new() { IdempotencyKey = key };

    /// <summary>Stripe refused our key or our account's permissions: a fault of ours, never the customer's card.</summary>
    private static bool IsOurConfiguration(StripeException exception) =>
        exception.HttpStatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden
        || exception.StripeError?.Type == "authentication_error";

    private PaymentProviderException Misconfigured(string operation, StripeException exception)
    {
        LogPermanent(exception, operation, RequestId(exception), "authentication");
        return new PaymentProviderException($"Stripe refused our credentials for '{operation}'; check Stripe:SecretKey.", exception);
    }

    private static string? RequestId(StripeException exception) => exception.StripeResponse?.RequestId;

    private static bool IsOutcomeUnknown(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        StripeException stripe => stripe.StripeError?.Type is "api_error" or "rate_limit_error" or "api_connection_error" || (int)stripe.HttpStatusCode is 429 or >= 500,
        HttpRequestException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private PaymentProviderException Unknown(string operation, Exception exception)
    {
        LogUnavailable(exception, operation);
        return new PaymentProviderException($"Stripe did not complete '{operation}': {exception.Message}", exception);
    }

    private async Task<T> Call<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StripeException exception) when (IsOurConfiguration(exception))
        {
            throw Misconfigured(operation, exception);
        }
        catch (StripeException exception) when (exception.StripeError?.Type is "invalid_request_error" or "card_error" or "idempotency_error" && (int)exception.HttpStatusCode is not 429)
        {
            LogPermanent(exception, operation, RequestId(exception), exception.StripeError?.Code);
            throw new PaymentProviderException($"Stripe refused '{operation}': {exception.StripeError?.Message}", exception);
        }
        catch (Exception exception) when (exception is StripeException or HttpRequestException or TimeoutException or TaskCanceledException)
        {
            throw Unknown(operation, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe refused {Operation} (request {RequestId}, code {Code})")]
    private partial void LogPermanent(Exception exception, string operation, string? requestId, string? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe unavailable for {Operation}; outcome unknown")]
    private partial void LogUnavailable(Exception exception, string operation);
}

internal static class StripeStatuses
{
    public static SubscriptionStatus Subscription(string? status) => status switch
    {
        "active" or "trialing" => SubscriptionStatus.Active,
        "past_due" or "unpaid" => SubscriptionStatus.PastDue,
        "canceled" or "incomplete_expired" => SubscriptionStatus.Canceled,
        "incomplete" => SubscriptionStatus.Incomplete,
        _ => SubscriptionStatus.None,
    };
}
