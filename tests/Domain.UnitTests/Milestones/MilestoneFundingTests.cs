using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Milestones;

public sealed class MilestoneFundingTests
{
    private static readonly FundingError _declined = new("card_declined", "Your card was declined.");

    [Fact]
    public void BeginFunding_WhenRetriedAfterDeclines_NumbersEachAttemptOneHigher()
    {
        var milestone = MilestoneBuilder.Create();

        var first = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFundingFailed(first.Number, _declined, Moments.Now.AddMinutes(1));
        var second = milestone.BeginFunding(Parties.Employer, Moments.Now.AddMinutes(2));
        milestone.MarkFundingFailed(second.Number, _declined, Moments.Now.AddMinutes(3));
        var third = milestone.BeginFunding(Parties.Employer, Moments.Now.AddMinutes(4));

        Assert.Equal([1, 2, 3], new[] { first.Number, second.Number, third.Number });
        Assert.Equal(3, milestone.Funding.Attempts);
        Assert.Equal(third, milestone.CurrentFundingAttempt);
    }

    [Fact]
    public void BeginFunding_WhenStarted_ChargesTheEmployerTotalIncludingFees()
    {
        var milestone = MilestoneBuilder.Create(amountCents: 10_000, sequence: 1);

        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);

        Assert.Equal(Money.FromCents(10_000 + 1_000 + 995), attempt.Amount);
        var started = Assert.IsType<MilestoneFundingStarted>(milestone.DomainEvents[^1]);
        Assert.Equal(1, started.Attempt);
        Assert.Equal(Money.FromCents(11_995), started.Charged);
    }

    [Fact]
    public void BeginFunding_WhenNewAttemptStarts_ForgetsThePreviousAttemptsIntentAndClientSecret()
    {
        var milestone = MilestoneBuilder.Create();
        var first = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFundingAwaitingAction(first.Number, "pi_first", "pi_first_secret", "requires_action", Moments.Now.AddMinutes(1));
        milestone.MarkFundingFailed(first.Number, _declined, Moments.Now.AddMinutes(2));

        milestone.BeginFunding(Parties.Employer, Moments.Later);

        Assert.Null(milestone.Funding.PaymentIntentId);
        Assert.Null(milestone.Funding.ClientSecret);
    }

    [Theory]
    [InlineData(nameof(Milestone.MarkFunded))]
    [InlineData(nameof(Milestone.MarkFundingFailed))]
    [InlineData(nameof(Milestone.MarkFundingAwaitingAction))]
    public void SettleFunding_WhenAttemptIsStale_RefusesWithNotFundingAndChangesNothing(string settle)
    {
        var milestone = MilestoneBuilder.Create();
        var stale = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFundingFailed(stale.Number, _declined, Moments.Now.AddMinutes(1));
        milestone.BeginFunding(Parties.Employer, Moments.Now.AddMinutes(2));
        var before = MilestoneSnapshot.Of(milestone);

        var error = Assert.Throws<DomainException>(() => Settle(milestone, settle, stale.Number));

        Assert.Equal("milestone_not_funding", error.Code);
        Assert.Equal(before, MilestoneSnapshot.Of(milestone));
        Assert.Equal(MilestoneStatus.Funding, milestone.Status);
    }

    [Fact]
    public void MarkFunded_WhenAttemptNumberIsAhead_RefusesWithNotFunding()
    {
        var milestone = MilestoneBuilder.Create();
        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);

        var error = Assert.Throws<DomainException>(() => milestone.MarkFunded(attempt.Number + 1, "pi_x", "ch_x", Moments.Later));

        Assert.Equal("milestone_not_funding", error.Code);
        Assert.Equal(MilestoneStatus.Funding, milestone.Status);
    }

    [Fact]
    public void MarkFundingFailed_WhenDeclined_ReturnsToNotFundedAndKeepsTheDecline()
    {
        var milestone = MilestoneBuilder.Create();
        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);

        milestone.MarkFundingFailed(attempt.Number, _declined, Moments.Later);

        Assert.Equal(MilestoneStatus.NotFunded, milestone.Status);
        Assert.Equal(_declined, milestone.Funding.LastError);
        Assert.Null(milestone.Funding.FundedAt);
        var failed = Assert.IsType<MilestoneFundingFailed>(milestone.DomainEvents[^1]);
        Assert.Equal("card_declined", failed.Code);
        Assert.Equal(Parties.Employer, failed.EmployerId);
        Assert.Equal("Your card was declined.", milestone.Timeline[^1].Note);
    }

    [Fact]
    public void MarkFunded_AfterAnEarlierDecline_ClearsLastFundingErrorAndRecordsTheCharge()
    {
        var milestone = MilestoneBuilder.Create();
        var first = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFundingFailed(first.Number, _declined, Moments.Now.AddMinutes(1));
        var second = milestone.BeginFunding(Parties.Employer, Moments.Now.AddMinutes(2));

        milestone.MarkFunded(second.Number, "pi_second", "ch_second", Moments.Later);

        Assert.Equal(MilestoneStatus.ActiveFunded, milestone.Status);
        Assert.Null(milestone.Funding.LastError);
        Assert.Equal("pi_second", milestone.Funding.PaymentIntentId);
        Assert.Equal("ch_second", milestone.Funding.ChargeId);
        Assert.Equal(Moments.Later, milestone.Funding.FundedAt);
    }

    [Fact]
    public void MarkFundingAwaitingAction_WhenThreeDSecureNeeded_StaysFundingWithTheClientSecret()
    {
        var milestone = MilestoneBuilder.Create();
        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);

        milestone.MarkFundingAwaitingAction(attempt.Number, "pi_3ds", "pi_3ds_secret", "requires_action", Moments.Later);

        Assert.Equal(MilestoneStatus.Funding, milestone.Status);
        Assert.Equal("pi_3ds", milestone.Funding.PaymentIntentId);
        Assert.Equal("pi_3ds_secret", milestone.Funding.ClientSecret);
        Assert.Equal("requires_action", milestone.Timeline[^1].Action);
    }

    [Fact]
    public void MarkFunded_AfterAwaitingAction_ClearsTheClientSecret()
    {
        var milestone = MilestoneBuilder.Create();
        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFundingAwaitingAction(attempt.Number, "pi_3ds", "pi_3ds_secret", "requires_action", Moments.Now.AddMinutes(1));

        milestone.MarkFunded(attempt.Number, "pi_3ds", "ch_3ds", Moments.Later);

        Assert.Null(milestone.Funding.ClientSecret);
        Assert.Equal(MilestoneStatus.ActiveFunded, milestone.Status);
    }

    private static void Settle(Milestone milestone, string settle, int attempt)
    {
        switch (settle)
        {
            case nameof(Milestone.MarkFunded):
                milestone.MarkFunded(attempt, "pi_stale", "ch_stale", Moments.Later);
                break;
            case nameof(Milestone.MarkFundingFailed):
                milestone.MarkFundingFailed(attempt, _declined, Moments.Later);
                break;
            default:
                milestone.MarkFundingAwaitingAction(attempt, "pi_stale", "pi_stale_secret", "requires_action", Moments.Later);
                break;
        }
    }
}
