using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>Money going back to the employer: support's refund of held money, and a chargeback on the funding charge.</summary>
public sealed partial class Milestone
{
    /// <summary>Refused unless <see cref="IsRefundable"/>: a wrong state and an open dispute are told apart.</summary>
    public void EnsureRefundable()
    {
        if (!IsHeldBeforeApproval)
        {
            throw MilestoneErrors.IllegalMove(MilestoneErrors.NotRefundable, Id, Status, "refunded");
        }

        if (IsDisputed)
        {
            throw new DomainException(MilestoneErrors.Disputed, $"Milestone {Id} is disputed; the dispute decides where the money goes.");
        }
    }

    /// <summary>Support starts a refund, committed before the provider is asked: no approval can send the same money meanwhile.</summary>
    public void RequestRefund(DateTimeOffset now)
    {
        EnsureRefundable();
        Refund = Refund.Requested(Id, now);
        Record(now, "refund_requested", null, null);
    }

    /// <summary>The provider refused the refund: the milestone is as it was before.</summary>
    public void AbandonRefund(string reason, DateTimeOffset now)
    {
        Refund = Refund.Abandoned(Id);
        Record(now, "refund_abandoned", null, reason);
    }

    /// <summary>Held money went back to the employer; released money is never refundable here.</summary>
    public void MarkRefunded(string refundReference, DateTimeOffset now)
    {
        EnsureRefundable();
        Refund = Refund.Refunded(refundReference, now);
        TransitionTo(MilestoneStatus.Refunded, now, "refunded", null, null, new MilestoneRefunded(Id, refundReference, now));
    }

    /// <summary>A chargeback on the funding charge: the payout waits until the dispute closes.</summary>
    public void OpenDispute(string disputeId, DateTimeOffset now)
    {
        if (!Status.IsHeldInEscrow())
        {
            throw MilestoneErrors.IllegalMove(MilestoneErrors.NotDisputable, Id, Status, "disputed");
        }

        Refund = Refund with { DisputeId = disputeId };
        Payout = IsPayoutWaiting ? Payout.Queued(disputed: true) : Payout;
        Record(now, "dispute_opened", null, disputeId, new MilestoneDisputeOpened(Id, disputeId, now));
    }

    public void CloseDispute(DateTimeOffset now)
    {
        var disputeId = Refund.DisputeId;
        Refund = Refund.DisputeClosed(Id);
        if (IsPayoutWaiting)
        {
            Payout = Payout.Queued(disputed: false);
            NextPayoutAttemptAt = now;
        }

        Record(now, "dispute_closed", null, disputeId, new MilestoneDisputeClosed(Id, disputeId!, now));
    }
}
