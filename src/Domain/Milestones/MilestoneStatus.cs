namespace OpenTrain.Clean.Domain.Milestones;

public enum MilestoneStatus
{
    NotFunded,
    Funding,
    Funded,
    Submitted,
    Releasing,
    Paid,
    Cancelled,
    Refunded,
}

public static class MilestoneStatusExtensions
{
    /// <summary>Money is still at stake or expected: a job with such a milestone cannot be archived.</summary>
    public static bool IsUnresolved(this MilestoneStatus status) => status is
        MilestoneStatus.NotFunded or MilestoneStatus.Funding or MilestoneStatus.Funded
        or MilestoneStatus.Submitted or MilestoneStatus.Releasing;

    /// <summary>The employer's money is held on the platform.</summary>
    public static bool IsHeldInEscrow(this MilestoneStatus status) => status is
        MilestoneStatus.Funded or MilestoneStatus.Submitted or MilestoneStatus.Releasing;

    public static bool IsFinal(this MilestoneStatus status) => status is
        MilestoneStatus.Paid or MilestoneStatus.Cancelled or MilestoneStatus.Refunded;
}

/// <summary>Where a payout stands while the milestone is releasing or after it.</summary>
public enum PayoutStatus
{
    NotRequested,
    Pending,
    Failed,
    Paid,
}

/// <summary>Why a requested payout has not been sent yet.</summary>
public enum PayoutPendingReason
{
    None,
    Queued,
    PayoutSetupIncomplete,
    Retrying,
    Disputed,
}
