using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Milestones;

/// <summary>Provider messages and our own sentences about a milestone always fit where they are kept.</summary>
public sealed class MilestoneTextBoundsTests
{
    [Fact]
    public void MarkFundingFailed_WithAProvidersOverlongDecline_KeepsCodeAndMessageCutToFit()
    {
        var milestone = MilestoneBuilder.Create();
        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);

        milestone.MarkFundingFailed(attempt.Number, new FundingError(new string('c', 500), new string('m', 5000)), Moments.Later);

        Assert.Equal(FundingError.MaxCodeLength, milestone.Funding.LastError!.Code.Length);
        Assert.Equal(FundingError.MaxMessageLength, milestone.Funding.LastError.Message.Length);
    }

    [Fact]
    public void DeferPayout_WithAnOverlongError_KeepsTheErrorAndItsTimelineNoteCutToFit()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);

        milestone.DeferPayout(PayoutPendingReason.Retrying, Moments.Later.AddMinutes(1), new string('e', 9000), Moments.Later);

        Assert.Equal(Milestone.MaxPayoutErrorLength, milestone.Payout.LastError!.Length);
        Assert.Equal(Milestone.MaxNoteLength, milestone.Timeline[^1].Note!.Length);
    }

    [Fact]
    public void FailPayout_WithAnOverlongError_KeepsItCutToFit()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PayoutPending);

        milestone.FailPayout(new string('e', 9000), Moments.Later);

        Assert.Equal(Milestone.MaxPayoutErrorLength, milestone.Payout.LastError!.Length);
        Assert.Equal(Milestone.MaxNoteLength, milestone.Timeline[^1].Note!.Length);
    }
}
