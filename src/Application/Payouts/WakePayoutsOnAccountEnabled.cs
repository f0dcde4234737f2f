using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Application.Payouts;

/// <summary>When a trainer's payouts become enabled, every payout waiting for that setup falls due at once.</summary>
public sealed class WakePayoutsOnAccountEnabled(IMilestoneRepository milestones, TimeProvider clock) : IDomainEventHandler<PayoutAccountEnabled>
{
    public async Task HandleAsync(PayoutAccountEnabled domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        var now = clock.GetUtcNow();
        foreach (var milestone in await milestones.ListAwaitingPayoutSetupAsync(domainEvent.TrainerId, cancellationToken))
        {
            milestone.RetryPayout(now);
        }
    }
}
