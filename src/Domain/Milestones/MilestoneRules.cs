using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>Rules about milestones that queries also ask: written once, evaluated by the aggregate and translated in queries.</summary>
public static class MilestoneRules
{
    /// <summary>The worker should try to pay out now: approved, pending, not disputed, its next attempt due.</summary>
    public static readonly Rule<Milestone, DateTimeOffset> PayoutDue = new((m, now) =>
        m.Status == MilestoneStatus.PayoutPending && m.Payout.Status == PayoutStatus.Pending && m.Refund.DisputeId == null
        && m.NextPayoutAttemptAt != null && m.NextPayoutAttemptAt <= now);
}
