using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Milestones.RefundMilestone;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>
/// charge.refunded: a refund made in Stripe's dashboard. Held money becomes the milestone's refund
/// (the refund process's own step); an approved payout waiting on that money is parked for support.
/// </summary>
public sealed class ChargeRefundedHandler(IMilestoneRepository milestones, IReadStore store, RefundSteps refunds, IPaymentGateway payments, TimeProvider clock)
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

        // The event's charge lists its refunds only in some API versions (never expanded): ask the provider for the refund's id.
        var refundId = providerEvent.RefundId ?? await payments.FindRefundAsync(providerEvent.ChargeId, cancellationToken)
            ?? throw new ProviderEventNotUnderstoodException(providerEvent, $"no refund of charge {providerEvent.ChargeId} can be found");
        await refunds.RecordAsync(milestone.Id, refundId, cancellationToken);
        return WebhookOutcome.Applied;
    }
}
