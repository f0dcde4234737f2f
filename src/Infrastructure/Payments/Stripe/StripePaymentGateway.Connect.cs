using OpenTrain.Clean.Application.Abstractions;
using Stripe;

namespace OpenTrain.Clean.Infrastructure.Payments.Stripe;

/// <summary>The money going out: the trainer's Express account, its onboarding, and the Transfer of a payout.</summary>
public sealed partial class StripePaymentGateway
{
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
            return new TransferResult(TransferOutcome.Retryable, Error: TransferErrors.Retrying);
        }
        catch (StripeException exception) when (exception.StripeError is { } error)
        {
            var outcome = Classify(exception);
            if (outcome == TransferOutcome.Failed)
            {
                LogPermanent(exception, "create transfer", RequestId(exception), error.Code);
            }
            else
            {
                LogTransferNotMade(exception, RequestId(exception), error.Type, error.Code, outcome);
            }

            var rateLimited = IsRateLimit(exception);
            return new TransferResult(
                outcome,
                Error: outcome switch
                {
                    TransferOutcome.DestinationNotReady => TransferErrors.DestinationNotReady,
                    TransferOutcome.Failed => TransferErrors.Refused,
                    _ => TransferErrors.Retrying,
                },
                RateLimited: rateLimited,
                RetryAfter: rateLimited ? RetryAfter(exception) : null);
        }
        catch (Exception exception) when (IsOutcomeUnknown(exception, cancellationToken))
        {
            LogUnavailable(exception, "create transfer");
            var rateLimited = exception is StripeException stripe && IsRateLimit(stripe);
            return new TransferResult(
                TransferOutcome.Unknown, Error: TransferErrors.Unknown, RateLimited: rateLimited, RetryAfter: rateLimited ? RetryAfter((StripeException)exception) : null);
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

    /// <summary>Stripe's rate limit: HTTP 429, however its error is typed.</summary>
    internal static bool IsRateLimit(StripeException exception) =>
        (int)exception.HttpStatusCode == 429 || exception.StripeError?.Type == "rate_limit_error" || exception.StripeError?.Code == "rate_limit";

    /// <summary>The response's Retry-After (seconds or a date), when Stripe sent one.</summary>
    internal static TimeSpan? RetryAfter(StripeException exception)
    {
        var header = exception.StripeResponse?.Headers?.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return delay > TimeSpan.Zero ? delay : null;
    }

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
}
