using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>
/// What a payment provider's webhook said, in our words (the adapter translates Stripe's events).
/// <see cref="EventId"/> is the provider's event id: recorded once, so a replay changes nothing.
/// </summary>
public abstract record ProviderEvent(string EventId, string Type);

/// <summary>payment_intent.succeeded / processing / payment_failed / requires_action / canceled.</summary>
/// <param name="Amount">The intent's amount in minor units, for giving back a superseded charge.</param>
public sealed record PaymentIntentChanged(string EventId, string Type, FundingResult Result, IReadOnlyDictionary<string, string> Metadata, long? Amount = null) : ProviderEvent(EventId, Type);

/// <summary>charge.refunded.</summary>
public sealed record ChargeRefunded(string EventId, string Type, string ChargeId, string? RefundId, bool FullyRefunded) : ProviderEvent(EventId, Type);

/// <summary>charge.dispute.created / charge.dispute.closed (status won, lost, ...).</summary>
public sealed record DisputeChanged(string EventId, string Type, string ChargeId, string DisputeId, bool Closed, string Status) : ProviderEvent(EventId, Type);

/// <summary>account.updated, also as a Connect event.</summary>
public sealed record ConnectedAccountUpdated(string EventId, string Type, string AccountId) : ProviderEvent(EventId, Type);

/// <summary>transfer.reversed.</summary>
public sealed record TransferReversed(string EventId, string Type, string TransferId, long AmountReversed) : ProviderEvent(EventId, Type);

/// <summary>customer.subscription.created / updated / deleted.</summary>
public sealed record SubscriptionChanged(string EventId, string Type, string CustomerId, string SubscriptionId, SubscriptionStatus Status, BillingPlan? Plan) : ProviderEvent(EventId, Type);

/// <summary>invoice.paid / invoice.payment_failed of a subscription.</summary>
public sealed record SubscriptionInvoiceChanged(string EventId, string Type, string CustomerId, string ProviderInvoiceId, long Amount, string Currency, bool Paid, BillingPlan? Plan) : ProviderEvent(EventId, Type);

/// <summary>An event of a type we act on whose object the adapter could not read (another shape, a field missing).</summary>
public sealed record UnreadableProviderEvent(string EventId, string Type, string Reason) : ProviderEvent(EventId, Type);

/// <summary>Any other event type: acknowledged and ignored.</summary>
public sealed record UnhandledProviderEvent(string EventId, string Type) : ProviderEvent(EventId, Type);

/// <summary>Remembers which provider events were applied (a unique key, in the same transaction as their effect).</summary>
public interface IWebhookInbox
{
    /// <summary>
    /// Records the event as applied, in the caller's transaction, right before its effect is saved. False when another
    /// delivery recorded it first (the claim waits for one committing at this moment): the transaction is then rolled back
    /// and the effect discarded, and the caller answers duplicate.
    /// </summary>
    Task<bool> TryRecordAsync(string eventId, string type, CancellationToken cancellationToken);

    /// <summary>Which of these event ids are recorded already, in one read (no transaction).</summary>
    Task<IReadOnlySet<string>> FindRecordedAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken);
}

/// <summary>
/// An event of a kind that matters whose shape the code does not read (another API version, a field gone):
/// the webhook answers non-2xx, so Stripe redelivers and an operator sees it; nothing is recorded.
/// </summary>
public sealed class ProviderEventNotUnderstoodException(ProviderEvent providerEvent, string reason)
    : Exception($"Provider event {providerEvent?.EventId} ({providerEvent?.Type}) is not understood: {reason}.")
{
    public string EventId { get; } = providerEvent?.EventId ?? string.Empty;
}
