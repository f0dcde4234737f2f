using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>The milestone's payout, from approval to the transfer: claimed, deferred, parked, retried, paid.</summary>
public sealed partial class Milestone
{
    /// <summary>Whether the worker should try to pay out now (<see cref="MilestoneRules.PayoutDue"/>).</summary>
    public bool IsPayoutDue(DateTimeOffset now) => MilestoneRules.PayoutDue.IsSatisfiedBy(this, now);

    /// <summary>
    /// A worker takes the due payout for itself until <paramref name="leaseUntil"/>: committed before
    /// the provider is called, so a second worker finds it not due. Should the worker die, the payout
    /// falls due again when the lease ends, and the transfer's idempotency key finds the same transfer.
    /// </summary>
    public void ClaimPayoutAttempt(DateTimeOffset now, DateTimeOffset leaseUntil)
    {
        if (!IsPayoutDue(now))
        {
            throw new DomainException(MilestoneErrors.PayoutNotDue, $"The payout of milestone {Id} is not due.");
        }

        NextPayoutAttemptAt = leaseUntil;
    }

    /// <summary>The payout could not be sent yet; it stays pending with a visible reason.</summary>
    public void DeferPayout(PayoutPendingReason reason, DateTimeOffset? nextAttemptAt, string? error, DateTimeOffset now)
    {
        Require(MilestoneStatus.PayoutPending, MilestoneErrors.NotReleasing, "deferred");
        Payout = Payout.Deferred(reason, error, IsDisputed);
        NextPayoutAttemptAt = nextAttemptAt;
        Record(now, "payout_deferred", null, error, new MilestonePayoutDeferred(Id, TrainerId, reason, nextAttemptAt, now));
    }

    /// <summary>The provider refused the transfer for good: parked for an admin, never dropped.</summary>
    public void FailPayout(string error, DateTimeOffset now)
    {
        Require(MilestoneStatus.PayoutPending, MilestoneErrors.NotReleasing, "failed");
        Payout = Payout.Failed(error);
        NextPayoutAttemptAt = null;
        Record(now, "payout_failed", null, error, new MilestonePayoutFailed(Id, error, now));
    }

    /// <summary>An admin puts a parked or deferred payout back in the queue.</summary>
    public void RetryPayout(DateTimeOffset now)
    {
        Require(MilestoneStatus.PayoutPending, MilestoneErrors.NotReleasing, "retried");
        Payout = Payout.Queued(IsDisputed);
        NextPayoutAttemptAt = now;
        Record(now, "payout_retry_requested", null, null, new MilestonePayoutRetryRequested(Id, TrainerId, now));
    }

    public void MarkPaid(string transferId, DateTimeOffset now)
    {
        Require(MilestoneStatus.PayoutPending, MilestoneErrors.NotReleasing, "paid");
        Payout = Payout.Paid(Id, transferId, IsDisputed, now);
        NextPayoutAttemptAt = null;
        TransitionTo(MilestoneStatus.Paid, now, "paid", null, null, new MilestonePaid(Id, TrainerId, transferId, Amount, now));
    }

    /// <summary>Stripe reports the transfer reversed (in its dashboard, never self-serve here): the milestone stays paid, the fact is kept for support.</summary>
    public void RecordTransferReversal(long amountReversed, DateTimeOffset now)
    {
        Require(MilestoneStatus.Paid, MilestoneErrors.NotReleasing, "reversed");
        Payout = Payout.Reversed(amountReversed);
        Record(now, "transfer_reversed", null, Payout.LastError, new MilestoneTransferReversed(Id, Payout.TransferId ?? string.Empty, amountReversed, now));
    }
}
