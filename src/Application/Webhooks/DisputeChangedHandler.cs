using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Milestones.RefundMilestone;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>
/// charge.dispute.*: a chargeback on a funding charge holds the milestone's payout until it closes. A
/// lost dispute returned the money to the cardholder: nothing is left to release.
/// </summary>
public sealed class DisputeChangedHandler(IMilestoneRepository milestones, IReadStore store, RefundSteps refunds, TimeProvider clock)
    : IProviderEventHandler<DisputeChanged>
{
    public async Task<WebhookOutcome> ApplyAsync(DisputeChanged providerEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providerEvent);
        var milestone = await milestones.FindMilestoneAsync(store, m => m.Funding.ChargeId == providerEvent.ChargeId, cancellationToken);
        if (milestone is null)
        {
            return WebhookOutcome.Ignored;
        }

        var now = clock.GetUtcNow();
        if (!providerEvent.Closed)
        {
            if (milestone.IsDisputed || !milestone.Status.IsHeldInEscrow())
            {
                return WebhookOutcome.Ignored;
            }

            milestone.OpenDispute(providerEvent.DisputeId, now);
            return WebhookOutcome.Applied;
        }

        if (milestone.Refund.DisputeId != providerEvent.DisputeId)
        {
            return WebhookOutcome.Ignored;
        }

        milestone.CloseDispute(now);
        if (providerEvent.Status == "lost" && milestone.IsPayoutWaiting)
        {
            // Approved, but the card network took the money back: there is nothing left to pay out.
            milestone.FailPayout($"Dispute {providerEvent.DisputeId} was lost: the funds went back to the cardholder.", now);
        }
        else if (providerEvent.Status == "lost" && milestone.IsRefundable)
        {
            // The card network returned the money to the employer: the milestone is refunded.
            await refunds.RecordAsync(milestone.Id, $"dispute:{providerEvent.DisputeId}", cancellationToken);
        }

        return WebhookOutcome.Applied;
    }
}
