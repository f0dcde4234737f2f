using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>transfer.reversed: done in Stripe's dashboard, never self-serve here; the paid milestone keeps the fact for support.</summary>
public sealed class TransferReversedHandler(IMilestoneRepository milestones, IReadStore store, TimeProvider clock) : IProviderEventHandler<TransferReversed>
{
    public async Task<WebhookOutcome> ApplyAsync(TransferReversed providerEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providerEvent);
        var paid = await milestones.FindMilestoneAsync(store, m => m.Payout.TransferId == providerEvent.TransferId, cancellationToken);
        if (paid?.Status != MilestoneStatus.Paid)
        {
            return WebhookOutcome.Ignored;
        }

        paid.RecordTransferReversal(providerEvent.AmountReversed, clock.GetUtcNow());
        return WebhookOutcome.Applied;
    }
}
