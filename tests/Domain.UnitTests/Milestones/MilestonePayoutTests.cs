using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Milestones;

public sealed class MilestonePayoutTests
{
    [Theory]
    [InlineData(MilestoneStatus.ActiveFunded)]
    [InlineData(MilestoneStatus.PendingApproval)]
    public void Approve_WhenHeld_QueuesThePayoutForNow(MilestoneStatus from)
    {
        var milestone = MilestoneBuilder.InState(from);

        milestone.Approve(Parties.Employer, Moments.Later);

        Assert.Equal(MilestoneStatus.PayoutPending, milestone.Status);
        Assert.Equal(PayoutStatus.Pending, milestone.Payout.Status);
        Assert.Equal(PayoutPendingReason.Queued, milestone.Payout.Reason);
        Assert.Equal(Moments.Later, milestone.NextPayoutAttemptAt);
        Assert.Equal(Moments.Later, milestone.Review.ApprovedAt);
        Assert.Equal(Parties.Employer, milestone.Review.ApprovedBy);
        Assert.Equal(0, milestone.Payout.Attempts);
    }

    [Fact]
    public void Approve_WhenApproved_RequestsThePayoutOfTheMilestoneAmountWithoutFees()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PendingApproval);

        milestone.Approve(Parties.Employer, Moments.Later);

        var approved = Assert.IsType<MilestoneApproved>(milestone.DomainEvents[^1]);
        Assert.Equal(Money.FromCents(MilestoneBuilder.DefaultAmountCents), approved.Payout);
        Assert.Equal(Parties.Trainer, approved.TrainerId);
        Assert.Equal(milestone.Id, approved.MilestoneId);
    }

    [Theory]
    [InlineData(PayoutPendingReason.PayoutSetupIncomplete, null)]
    [InlineData(PayoutPendingReason.Retrying, "rate_limit: too many requests")]
    public void DeferPayout_WhenReleasing_RecordsReasonAttemptNextAttemptAndError(PayoutPendingReason reason, string? error)
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        var next = Moments.Later.AddMinutes(30);

        milestone.DeferPayout(reason, next, error, Moments.Later);

        Assert.Equal(MilestoneStatus.PayoutPending, milestone.Status);
        Assert.Equal(PayoutStatus.Pending, milestone.Payout.Status);
        Assert.Equal(reason, milestone.Payout.Reason);
        Assert.Equal(reason == PayoutPendingReason.Retrying ? 1 : 0, milestone.Payout.Attempts);
        Assert.Equal(next, milestone.NextPayoutAttemptAt);
        Assert.Equal(error, milestone.Payout.LastError);
        var deferred = Assert.IsType<MilestonePayoutDeferred>(milestone.DomainEvents[^1]);
        Assert.Equal(reason, deferred.Reason);
        Assert.Equal(next, deferred.NextAttemptAt);
        Assert.Equal("payout_deferred", milestone.Timeline[^1].Action);
    }

    [Fact]
    // Regression (issue 12): a payout that waited for setup spent the first step of the retry schedule (its first retry waited 5 minutes, not 1).
    public void DeferPayout_WhenSetupDeferralsPrecedeARetry_CountsOnlyTheRetryAndKeepsTheLatestFacts()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        milestone.DeferPayout(PayoutPendingReason.PayoutSetupIncomplete, null, null, Moments.Later);
        milestone.DeferPayout(PayoutPendingReason.PayoutSetupIncomplete, null, null, Moments.Later);

        milestone.DeferPayout(PayoutPendingReason.Retrying, Moments.Later.AddMinutes(10), "api_connection_error", Moments.Later.AddMinutes(1));

        Assert.Equal(1, milestone.Payout.Attempts);
        Assert.Equal(PayoutPendingReason.Retrying, milestone.Payout.Reason);
        Assert.Equal(Moments.Later.AddMinutes(10), milestone.NextPayoutAttemptAt);
        Assert.Equal("api_connection_error", milestone.Payout.LastError);
    }

    [Theory]
    [InlineData(PayoutPendingReason.None)]
    [InlineData(PayoutPendingReason.Queued)]
    public void DeferPayout_WhenReasonIsNotAReasonToWait_ThrowsAndChangesNothing(PayoutPendingReason reason)
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        var before = MilestoneSnapshot.Of(milestone);

        Assert.Throws<ArgumentOutOfRangeException>(() => milestone.DeferPayout(reason, Moments.Later, null, Moments.Later));

        Assert.Equal(before, MilestoneSnapshot.Of(milestone));
    }

    [Fact]
    public void FailPayout_WhenProviderRefusesForGood_ParksThePayoutAsFailed()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);

        milestone.FailPayout("account_closed", Moments.Later);

        Assert.Equal(MilestoneStatus.PayoutPending, milestone.Status);
        Assert.Equal(PayoutStatus.Failed, milestone.Payout.Status);
        Assert.Equal(PayoutPendingReason.None, milestone.Payout.Reason);
        Assert.Null(milestone.NextPayoutAttemptAt);
        Assert.Equal("account_closed", milestone.Payout.LastError);
        Assert.Equal(1, milestone.Payout.Attempts);
        Assert.Null(milestone.Payout.TransferId);
    }

    [Fact]
    public void RetryPayout_WhenParked_PutsItBackInTheQueueForNow()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        milestone.FailPayout("account_closed", Moments.Now.AddHours(2));

        milestone.RetryPayout(Moments.Later);

        Assert.Equal(PayoutStatus.Pending, milestone.Payout.Status);
        Assert.Equal(PayoutPendingReason.Queued, milestone.Payout.Reason);
        Assert.Equal(Moments.Later, milestone.NextPayoutAttemptAt);
    }

    [Fact]
    public void MarkPaid_WhenReleasing_RecordsTheTransferAndClearsThePendingFacts()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        milestone.DeferPayout(PayoutPendingReason.Retrying, Moments.Later, "api_connection_error", Moments.Now.AddHours(2));

        milestone.MarkPaid("tr_123", Moments.Later);

        Assert.Equal(MilestoneStatus.Paid, milestone.Status);
        Assert.Equal(PayoutStatus.Paid, milestone.Payout.Status);
        Assert.Equal(PayoutPendingReason.None, milestone.Payout.Reason);
        Assert.Equal("tr_123", milestone.Payout.TransferId);
        Assert.Equal(Moments.Later, milestone.Payout.PaidAt);
        Assert.Null(milestone.NextPayoutAttemptAt);
        Assert.Null(milestone.Payout.LastError);
        Assert.Equal(2, milestone.Payout.Attempts);
        var paid = Assert.IsType<MilestonePaid>(milestone.DomainEvents[^1]);
        Assert.Equal(Money.FromCents(MilestoneBuilder.DefaultAmountCents), paid.Payout);
        Assert.Equal("tr_123", paid.TransferId);
    }

    [Fact]
    public void MarkPaid_WhenAlreadyPaid_RefusesWithNotReleasingAndKeepsTheFirstTransfer()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        milestone.MarkPaid("tr_first", Moments.Later);
        var before = MilestoneSnapshot.Of(milestone);

        var error = Assert.Throws<DomainException>(() => milestone.MarkPaid("tr_second", Moments.Later.AddMinutes(1)));

        Assert.Equal("milestone_not_releasing", error.Code);
        Assert.Equal("tr_first", milestone.Payout.TransferId);
        Assert.Equal(before, MilestoneSnapshot.Of(milestone));
        Assert.Single(milestone.DomainEvents.OfType<MilestonePaid>());
    }

    [Fact]
    public void Approve_WhenFundingChargeIsDisputed_QueuesThePayoutAsDisputed()
    {
        var milestone = MilestoneBuilder.Disputed(MilestoneStatus.ActiveFunded);

        milestone.Approve(Parties.Employer, Moments.Later);

        Assert.Equal(MilestoneStatus.PayoutPending, milestone.Status);
        Assert.Equal(PayoutPendingReason.Disputed, milestone.Payout.Reason);
    }

    [Fact]
    public void OpenDispute_WhenPayoutIsQueued_HoldsThePayoutAsDisputed()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);

        milestone.OpenDispute("dp_1", Moments.Later);

        Assert.True(milestone.IsDisputed);
        Assert.Equal("dp_1", milestone.Refund.DisputeId);
        Assert.Equal(PayoutStatus.Pending, milestone.Payout.Status);
        Assert.Equal(PayoutPendingReason.Disputed, milestone.Payout.Reason);
        Assert.Equal("dispute_opened", milestone.Timeline[^1].Action);
    }

    [Fact]
    public void MarkPaid_WhenReleasingMilestoneIsDisputed_RefusesWithDisputedAndChangesNothing()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        milestone.OpenDispute("dp_1", Moments.Now.AddHours(2));
        var before = MilestoneSnapshot.Of(milestone);

        var error = Assert.Throws<DomainException>(() => milestone.MarkPaid("tr_1", Moments.Later));

        Assert.Equal("milestone_disputed", error.Code);
        Assert.Equal(before, MilestoneSnapshot.Of(milestone));
    }

    [Fact]
    public void CloseDispute_WhenPayoutWasHeldByTheDispute_RequeuesItForNow()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        milestone.OpenDispute("dp_1", Moments.Now.AddHours(2));

        milestone.CloseDispute(Moments.Later);

        Assert.False(milestone.IsDisputed);
        Assert.Equal(PayoutStatus.Pending, milestone.Payout.Status);
        Assert.Equal(PayoutPendingReason.Queued, milestone.Payout.Reason);
        Assert.Equal(Moments.Later, milestone.NextPayoutAttemptAt);
        var closed = Assert.IsType<MilestoneDisputeClosed>(milestone.DomainEvents[^1]);
        Assert.Equal("dp_1", closed.DisputeId);
        Assert.Equal("dispute_closed", milestone.Timeline[^1].Action);
    }

    [Fact]
    public void MarkPaid_AfterTheDisputeCloses_PaysTheTrainer()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        milestone.OpenDispute("dp_1", Moments.Now.AddHours(2));
        milestone.CloseDispute(Moments.Now.AddHours(3));

        milestone.MarkPaid("tr_1", Moments.Later);

        Assert.Equal(MilestoneStatus.Paid, milestone.Status);
    }

    [Theory]
    [InlineData(MilestoneStatus.ActiveFunded)]
    [InlineData(MilestoneStatus.PendingApproval)]
    [InlineData(MilestoneStatus.PayoutPending)]
    public void CloseDispute_WhenDisputeIsOpen_KeepsTheStatusAndClearsTheDispute(MilestoneStatus held)
    {
        var milestone = MilestoneBuilder.Disputed(held);
        var timelineBefore = milestone.Timeline.Count;
        var eventsBefore = milestone.DomainEvents.Count;

        milestone.CloseDispute(Moments.Later);

        Assert.Equal(held, milestone.Status);
        Assert.Null(milestone.Refund.DisputeId);
        Assert.Equal(eventsBefore + 1, milestone.DomainEvents.Count);
        Assert.IsType<MilestoneDisputeClosed>(milestone.DomainEvents[^1]);
        Assert.Equal(timelineBefore + 1, milestone.Timeline.Count);
    }

    [Fact]
    public void CloseDispute_WhenPayoutIsParkedAsFailed_LeavesItParked()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        milestone.FailPayout("account_closed", Moments.Now.AddHours(2));
        milestone.OpenDispute("dp_1", Moments.Now.AddHours(3));

        milestone.CloseDispute(Moments.Later);

        Assert.Equal(PayoutStatus.Failed, milestone.Payout.Status);
        Assert.Equal(PayoutPendingReason.None, milestone.Payout.Reason);
        Assert.Null(milestone.NextPayoutAttemptAt);
    }

    [Fact]
    public void RetryPayout_WhenDisputeIsStillOpen_RequeuesAsDisputed()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        milestone.FailPayout("account_closed", Moments.Now.AddHours(2));
        milestone.OpenDispute("dp_1", Moments.Now.AddHours(3));

        milestone.RetryPayout(Moments.Later);

        Assert.Equal(PayoutStatus.Pending, milestone.Payout.Status);
        Assert.Equal(PayoutPendingReason.Disputed, milestone.Payout.Reason);
    }

    [Theory]
    [InlineData(MilestoneStatus.ActiveFunded)]
    [InlineData(MilestoneStatus.PendingApproval)]
    public void Refund_WhenDisputed_RefusesWithDisputedAndChangesNothing(MilestoneStatus held)
    {
        var milestone = MilestoneBuilder.Disputed(held);
        var before = MilestoneSnapshot.Of(milestone);

        var error = Assert.Throws<DomainException>(() => milestone.MarkRefunded("re_1", Moments.Later));

        Assert.Equal("milestone_disputed", error.Code);
        Assert.Equal(before, MilestoneSnapshot.Of(milestone));
    }

    [Fact]
    public void Refund_AfterTheDisputeCloses_ReturnsTheMoney()
    {
        var milestone = MilestoneBuilder.Disputed(MilestoneStatus.ActiveFunded);
        milestone.CloseDispute(Moments.Now.AddHours(2));

        milestone.MarkRefunded("re_1", Moments.Later);

        Assert.Equal(MilestoneStatus.Refunded, milestone.Status);
        Assert.Equal("re_1", milestone.Refund.Reference);
        Assert.Equal(Moments.Later, milestone.Refund.RefundedAt);
    }
}
