namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// Where a milestone stands, in the product's words. The API writes each name in snake_case
/// (<c>active_funded</c>, <c>pending_approval</c>, ...); the database stores the name itself.
/// </summary>
public enum MilestoneStatus
{
    NotFunded,
    Funding,

    /// <summary>The employer's money is held in escrow; the trainer works.</summary>
    ActiveFunded,

    /// <summary>The trainer submitted the work and requested approval; the money is still held.</summary>
    PendingApproval,

    /// <summary>Approved: the payout to the trainer is being sent (or waits with a visible reason).</summary>
    PayoutPending,
    Paid,
    Cancelled,
    Refunded,
}

public static class MilestoneStatusExtensions
{
    /// <summary>The status as the API and the product documents write it: its name in snake_case, the same converter JSON uses.</summary>
    public static string ToApiName(this MilestoneStatus status) =>
        Enum.IsDefined(status)
            ? System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString())
            : throw new ArgumentOutOfRangeException(nameof(status), status, null);

    /// <summary>Money is still at stake or expected: a job with such a milestone cannot be archived.</summary>
    public static bool IsUnresolved(this MilestoneStatus status) => status is
        MilestoneStatus.NotFunded or MilestoneStatus.Funding or MilestoneStatus.ActiveFunded
        or MilestoneStatus.PendingApproval or MilestoneStatus.PayoutPending;

    /// <summary>The employer's money is held on the platform.</summary>
    public static bool IsHeldInEscrow(this MilestoneStatus status) => status is
        MilestoneStatus.ActiveFunded or MilestoneStatus.PendingApproval or MilestoneStatus.PayoutPending;

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
