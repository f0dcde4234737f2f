using Mediator;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.Webhooks;

public enum WebhookOutcome
{
    Applied,
    Duplicate,
    Ignored,
}

/// <summary>
/// Applies one provider event, once: its id is claimed in the same transaction as its effect (an insert-if-absent
/// right before the save), so a redelivery, or a second delivery at the same moment, changes nothing and fails nothing. Events arrive late, twice or out of order; each kind's handler makes
/// only monotonic changes (or re-reads the object from the provider), with the rules the aggregates own.
/// </summary>
public sealed record ApplyProviderEventCommand(ProviderEvent Event) : ICommand<WebhookOutcome>;

public sealed class ApplyProviderEventHandler(
    IWebhookInbox inbox,
    PaymentIntentChangedHandler paymentIntents,
    ChargeRefundedHandler refunds,
    DisputeChangedHandler disputes,
    ConnectedAccountUpdatedHandler accounts,
    TransferReversedHandler transfers,
    SubscriptionChangedHandler subscriptions,
    SubscriptionInvoiceChangedHandler subscriptionInvoices) : ICommandHandler<ApplyProviderEventCommand, WebhookOutcome>
{
    public async ValueTask<WebhookOutcome> Handle(ApplyProviderEventCommand command, CancellationToken cancellationToken)
    {
        var providerEvent = command.Event;
        if (providerEvent is UnreadableProviderEvent unreadable)
        {
            // Never recorded: Stripe redelivers it, and reconciliation's sweep tries it again.
            throw new ProviderEventNotUnderstoodException(unreadable, unreadable.Reason);
        }

        // A cheap read first: a redelivery of a recorded event is answered before any handling (no provider call, no transaction).
        if ((await inbox.FindRecordedAsync([providerEvent.EventId], cancellationToken)).Count > 0)
        {
            return WebhookOutcome.Duplicate;
        }

        var outcome = providerEvent switch
        {
            PaymentIntentChanged e => await paymentIntents.ApplyAsync(e, cancellationToken),
            ChargeRefunded e => await refunds.ApplyAsync(e, cancellationToken),
            DisputeChanged e => await disputes.ApplyAsync(e, cancellationToken),
            ConnectedAccountUpdated e => await accounts.ApplyAsync(e, cancellationToken),
            TransferReversed e => await transfers.ApplyAsync(e, cancellationToken),
            SubscriptionChanged e => await subscriptions.ApplyAsync(e, cancellationToken),
            SubscriptionInvoiceChanged e => await subscriptionInvoices.ApplyAsync(e, cancellationToken),
            _ => WebhookOutcome.Ignored,
        };

        // The claim comes after the handling (which may call the provider) so that no lock is held across that call; another
        // delivery of the same event that got there first makes this one change nothing.
        return await inbox.TryRecordAsync(providerEvent.EventId, providerEvent.Type, cancellationToken) ? outcome : WebhookOutcome.Duplicate;
    }
}
