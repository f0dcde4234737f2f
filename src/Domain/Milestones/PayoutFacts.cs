using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// Where the milestone's payout stands: requested, waiting (and why), parked, or paid by a transfer.
/// A value: each change makes a new one, and refuses what the payout itself cannot become. When the
/// worker next tries stays on the milestone (<see cref="Milestone.NextPayoutAttemptAt"/>), where it is
/// indexed with the status.
/// </summary>
public sealed record PayoutFacts
{
    public PayoutStatus Status { get; init; }

    public PayoutPendingReason Reason { get; init; }

    /// <summary>
    /// Provider calls that counted: retryable refusals, the final refusal and the transfer itself. Waiting for the
    /// trainer's payout setup is not an attempt, so the first retry after it waits the schedule's first step.
    /// </summary>
    public int Attempts { get; init; }

    public string? LastError { get; init; }

    public string? TransferId { get; init; }

    public DateTimeOffset? PaidAt { get; init; }

    /// <summary>Queued to be sent (approved, put back by an admin, or a dispute closed); a dispute holds it.</summary>
    internal PayoutFacts Queued(bool disputed) =>
        this with { Status = PayoutStatus.Pending, Reason = disputed ? PayoutPendingReason.Disputed : PayoutPendingReason.Queued };

    /// <summary>Not sent yet, for a reason the trainer can act on or wait for; a dispute outranks any other reason.</summary>
    internal PayoutFacts Deferred(PayoutPendingReason reason, string? error, bool disputed)
    {
        if (reason is PayoutPendingReason.None or PayoutPendingReason.Queued)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "A deferral needs a reason the trainer can act on or wait for.");
        }

        var attempts = reason == PayoutPendingReason.Retrying ? Attempts + 1 : Attempts;
        return this with { Attempts = attempts, Status = PayoutStatus.Pending, Reason = disputed ? PayoutPendingReason.Disputed : reason, LastError = error };
    }

    internal PayoutFacts Failed(string error) =>
        this with { Attempts = Attempts + 1, Status = PayoutStatus.Failed, Reason = PayoutPendingReason.None, LastError = error };

    internal PayoutFacts Paid(MilestoneId milestone, string transferId, bool disputed, DateTimeOffset now)
    {
        if (disputed)
        {
            throw new DomainException(MilestoneErrors.Disputed, $"Milestone {milestone} is disputed; its payout waits until the dispute closes.");
        }

        if (Status == PayoutStatus.Failed)
        {
            throw new DomainException(MilestoneErrors.PayoutParked, $"The payout of milestone {milestone} was parked; an admin must retry it.");
        }

        return this with { Attempts = Attempts + 1, TransferId = transferId, PaidAt = now, Status = PayoutStatus.Paid, Reason = PayoutPendingReason.None, LastError = null };
    }

    internal PayoutFacts Reversed(long amountReversed) => this with { LastError = $"Transfer {TransferId} reversed by {amountReversed} cents." };
}
