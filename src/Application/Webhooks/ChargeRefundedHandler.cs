using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Milestones.RefundMilestone;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>
/// charge.refunded: a refund made in Stripe's dashboard. Held money becomes the milestone's refund
/// (the refund process's own step); an approved payout waiting on that money is parked for support.
/// </summary>
public sealed class ChargeRefundedHandler(IMilestoneRepository milestones, IReadStore store, RefundSteps refunds, TimeProvider clock)
    : IProviderEventHandler<ChargeRefunded>
{
    public async Task<WebhookOutcome> ApplyAsync(ChargeRefunded providerEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providerEvent);
        var milestone = await milestones.FindMilestoneAsync(store, m => m.Funding.ChargeId == providerEvent.ChargeId, cancellationToken);
        if (milestone is null)
        {
            return WebhookOutcome.Ignored;
        }

        if (milestone.IsPayoutWaiting)
        {
            // Refunded after approval: the payout must not go out on money that left.
            milestone.FailPayout($"The funding charge {providerEvent.ChargeId} was refunded; the payout is parked for support.", clock.GetUtcNow());
            return WebhookOutcome.Applied;
        }

        if (!providerEvent.FullyRefunded || !milestone.IsRefundable)
        {
            return WebhookOutcome.Ignored;
        }

        await refunds.RecordAsync(milestone.Id, providerEvent.RefundId ?? providerEvent.ChargeId, cancellationToken);
        return WebhookOutcome.Applied;
    }
}
