using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Abstractions;

/// <summary>
/// The payment provider: Stripe when a secret key is configured, the offline simulator otherwise.
/// Every call that can create something carries an idempotency key derived from our ids.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>"stripe" or "simulator", for logs and the start-up line.</summary>
    string Name { get; }

    Task<string> EnsureCustomerAsync(CustomerRequest request, CancellationToken cancellationToken);

    /// <summary>Attaches a payment method (<c>pm_...</c>) to the customer; throws <see cref="PaymentMethodRejectedException"/>.</summary>
    Task<PaymentMethodSummary> AttachPaymentMethodAsync(string customerId, string paymentMethodId, CancellationToken cancellationToken);

    /// <summary>Charges the employer and holds the money on the platform (a confirmed PaymentIntent).</summary>
    Task<FundingResult> FundAsync(FundingRequest request, CancellationToken cancellationToken);

    /// <summary>Where a funding stands now at the provider (reconciliation).</summary>
    Task<FundingResult> GetFundingAsync(string paymentIntentId, CancellationToken cancellationToken);

    /// <summary>Moves held money to the trainer's connected account; one transfer per idempotency key.</summary>
    Task<TransferResult> TransferAsync(TransferRequest request, CancellationToken cancellationToken);

    /// <summary>Creates the trainer's connected account (Express) with the transfers capability requested.</summary>
    Task<string> CreateConnectedAccountAsync(ConnectedAccountRequest request, CancellationToken cancellationToken);

    Task<ConnectedAccountStatus> GetConnectedAccountAsync(string connectedAccountId, CancellationToken cancellationToken);

    /// <summary>A fresh hosted-onboarding link (links expire, so one is minted per request).</summary>
    Task<string> CreateOnboardingLinkAsync(string connectedAccountId, CancellationToken cancellationToken);

    /// <summary>A SetupIntent for Stripe.js to collect a card or US bank account; returns its client secret.</summary>
    Task<string> CreateSetupIntentAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>Subscribes the customer to a plan's price (agency, recruiting).</summary>
    Task<SubscriptionResult> CreateSubscriptionAsync(SubscriptionRequest request, CancellationToken cancellationToken);

    Task<SubscriptionResult> CancelSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>The subscription as it stands now (webhooks arrive out of order; the provider's object does not).</summary>
    Task<SubscriptionResult> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Returns a held funding to the employer (a Refund on the funding charge); one per idempotency key.</summary>
    Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken);

    /// <summary>The newest refund of a charge (a refund made in the provider's dashboard names none in its event).</summary>
    Task<string?> FindRefundAsync(string chargeId, CancellationToken cancellationToken);

    /// <summary>
    /// The events the provider recorded from <paramref name="since"/> on, translated as its webhooks are:
    /// reconciliation applies any whose delivery was lost (a late success of any funding attempt among them).
    /// The provider lists newest first and a listing reads a bounded number of events: when it stops at that cap the
    /// page is <see cref="ProviderEventPage.Truncated"/> and its <see cref="ProviderEventPage.ContinueAfter"/> lists
    /// the rest when passed back as <paramref name="continueAfter"/> with the same <paramref name="since"/>
    /// (the events older than those listed, down to <paramref name="since"/>, none skipped, even within one second).
    /// </summary>
    Task<ProviderEventPage> ListEventsAsync(DateTimeOffset since, string? continueAfter, CancellationToken cancellationToken);
}

/// <summary>A provider event as the provider lists it: the event and when it happened there.</summary>
public sealed record RecordedProviderEvent(Webhooks.ProviderEvent Event, DateTimeOffset CreatedAt);

/// <summary>
/// One bounded read of the provider's events, oldest first. <see cref="Truncated"/>: the read stopped at its cap and
/// older events remain; <see cref="ContinueAfter"/> (the provider's cursor, opaque here) reads them next.
/// </summary>
public sealed record ProviderEventPage(IReadOnlyList<RecordedProviderEvent> Events, bool Truncated, string? ContinueAfter)
{
    public static ProviderEventPage Complete(IReadOnlyList<RecordedProviderEvent> events) => new(events, false, null);
}

public sealed record RefundRequest(
    string PaymentIntentId,
    string? ChargeId,
    Money Amount,
    string IdempotencyKey,
    IReadOnlyDictionary<string, string> Metadata,
    RefundReason Reason = RefundReason.RequestedByCustomer);

/// <summary>Why money goes back, in the provider's words: support's refund, or a charge that funds nothing.</summary>
public enum RefundReason
{
    RequestedByCustomer,
    Duplicate,
}

public enum RefundOutcome
{
    Succeeded,
    Failed,
}

public sealed record RefundResult(RefundOutcome Outcome, string? RefundId = null, string? Error = null);

public sealed record SubscriptionRequest(string CustomerId, BillingPlan Plan, string IdempotencyKey);

public sealed record SubscriptionResult(string SubscriptionId, SubscriptionStatus Status, string? ClientSecret = null);

public sealed record TransferRequest(
    string ConnectedAccountId,
    Money Amount,
    string? SourceChargeId,
    string TransferGroup,
    string IdempotencyKey,
    IReadOnlyDictionary<string, string> Metadata);

public enum TransferOutcome
{
    Succeeded,

    /// <summary>The trainer's account cannot receive transfers yet (onboarding unfinished).</summary>
    DestinationNotReady,

    /// <summary>Rate limit, insufficient platform balance, 5xx: try again later.</summary>
    Retryable,

    /// <summary>Refused for good; an admin must look at it.</summary>
    Failed,

    /// <summary>The request may have reached the provider; retrying with the same key is safe.</summary>
    Unknown,
}

/// <param name="Error">What employers and trainers read: one of <see cref="TransferErrors"/>; the provider's detail goes to the logs.</param>
/// <param name="RateLimited">The provider refused the call for its rate limit (HTTP 429): no transfer was made, and no call should follow for a while.</param>
/// <param name="RetryAfter">How long the provider asked us to wait before calling again (its Retry-After), when it said.</param>
public sealed record TransferResult(TransferOutcome Outcome, string? TransferId = null, string? Error = null, bool RateLimited = false, TimeSpan? RetryAfter = null);

/// <summary>Plain sentences about a payout that did not go out; never the provider's or the database's own words.</summary>
public static class TransferErrors
{
    public const string DestinationNotReady = "The trainer's payout account cannot receive transfers yet: payout setup must be finished in Settings -> Payouts.";

    public const string Retrying = "The payment provider could not send the payout just now; it is retried automatically.";

    public const string Refused = "The payment provider refused the payout; our support team has been alerted.";

    public const string Unknown = "The payment provider did not confirm the payout; it is retried with the same key, so it is never paid twice.";
}

public sealed record ConnectedAccountRequest(UserId TrainerId, string Country, string Email, string IdempotencyKey);

public sealed record ConnectedAccountStatus(string Id, bool PayoutsEnabled, bool TransfersActive, bool DetailsSubmitted, IReadOnlyList<string> RequirementsDue);

public sealed record CustomerRequest(UserId EmployerId, string Name, string Email);

public sealed record FundingRequest(
    UserId EmployerId,
    string CustomerId,
    string PaymentMethodId,
    PaymentMethodType PaymentMethodType,
    Money Amount,
    string IdempotencyKey,
    string Description,
    IReadOnlyDictionary<string, string> Metadata,
    string TransferGroup);

public enum FundingOutcome
{
    Succeeded,
    Processing,
    RequiresAction,
    Declined,

    /// <summary>The request may or may not have reached the provider; reconciliation finds out.</summary>
    Unknown,
}

public sealed record FundingResult(
    FundingOutcome Outcome,
    string? PaymentIntentId = null,
    string? ChargeId = null,
    string? ClientSecret = null,
    string? DeclineCode = null,
    string? Message = null,
    long? Amount = null);

/// <summary>The provider refused a payment method id (unknown, wrong type, not attachable).</summary>
public sealed class PaymentMethodRejectedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>The provider failed in a way that is not about the customer's money (outage, bad configuration).</summary>
public sealed class PaymentProviderException(string message, Exception? inner = null) : Exception(message, inner);
