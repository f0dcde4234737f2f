using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Milestones;

/// <summary>Decision 009: a late success funds the milestone if it is still fundable and unfunded, or is refunded once.</summary>
public sealed class MilestoneLateChargeTests
{
    private static readonly FundingError _declined = new("authentication_failed", "3-D Secure failed.");

    [Fact]
    public void FundLate_WhenTheFailedAttemptSucceedsAndNothingElseIsInFlight_FundsTheMilestone()
    {
        var milestone = FailedOnce(out var attempt);

        milestone.FundLate(attempt, "pi_1", "ch_1", milestone.EmployerTotal, Moments.Now.AddMinutes(5));

        Assert.Equal(MilestoneStatus.ActiveFunded, milestone.Status);
        Assert.True(milestone.IsFundedBy("pi_1"));
        Assert.Equal("funded_late", milestone.Timeline[^1].Action);
        Assert.Single(milestone.DomainEvents.OfType<MilestoneFunded>());
        Assert.Single(milestone.DomainEvents.OfType<MilestoneLatePaymentAccepted>());
    }

    [Fact]
    public void CanBeFundedLate_WhenAnotherAttemptIsInFlightOrThePriceChanged_IsFalse()
    {
        var milestone = FailedOnce(out var attempt);
        Assert.False(milestone.CanBeFundedLate(attempt, "pi_1", milestone.EmployerTotal - Money.FromCents(1)));

        milestone.BeginFunding(Parties.Employer, Moments.Now.AddMinutes(3));

        Assert.False(milestone.CanBeFundedLate(attempt, "pi_1", milestone.EmployerTotal));
        Assert.Throws<DomainException>(() => milestone.FundLate(attempt, "pi_1", "ch_1", milestone.EmployerTotal, Moments.Now.AddMinutes(4)));
    }

    [Fact]
    public void RecordDuplicateCharge_WhenReportedTwice_RecordsAndRaisesOnce()
    {
        var milestone = FailedOnce(out var attempt);
        milestone.BeginFunding(Parties.Employer, Moments.Now.AddMinutes(3));
        milestone.ClearDomainEvents();

        Assert.True(milestone.RecordDuplicateCharge(attempt, "pi_1", "ch_1", milestone.EmployerTotal, Moments.Now.AddMinutes(4)));
        Assert.False(milestone.RecordDuplicateCharge(attempt, "pi_1", "ch_1", milestone.EmployerTotal, Moments.Now.AddMinutes(5)));

        Assert.Single(milestone.DomainEvents.OfType<MilestoneDuplicateChargeDetected>());
        Assert.True(milestone.IsDuplicateChargeOutstanding("pi_1"));
        Assert.False(milestone.CanBeFundedLate(attempt, "pi_1", milestone.EmployerTotal));
    }

    [Fact]
    public void RecordDuplicateChargeRefunded_WhenRepeated_RecordsOnceAndTheChargeIsNoLongerOutstanding()
    {
        var milestone = FailedOnce(out var attempt);
        milestone.RecordDuplicateCharge(attempt, "pi_1", "ch_1", milestone.EmployerTotal - Money.FromCents(5), Moments.Now.AddMinutes(4));
        milestone.ClearDomainEvents();

        milestone.RecordDuplicateChargeRefunded("pi_1", "re_1", milestone.EmployerTotal, Moments.Now.AddMinutes(6));
        milestone.RecordDuplicateChargeRefunded("pi_1", "re_1", milestone.EmployerTotal, Moments.Now.AddMinutes(7));

        Assert.False(milestone.IsDuplicateChargeOutstanding("pi_1"));
        Assert.Single(milestone.DomainEvents.OfType<MilestoneDuplicateChargeRefunded>());
    }

    [Fact]
    public void RecordDuplicateCharge_WhenTheChargeFundsTheMilestone_IsRefused()
    {
        var milestone = MilestoneBuilder.Create();
        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFunded(attempt.Number, "pi_1", "ch_1", Moments.Now.AddMinutes(1));

        Assert.Throws<DomainException>(() => milestone.RecordDuplicateCharge(attempt.Number, "pi_1", "ch_1", milestone.EmployerTotal, Moments.Now.AddMinutes(2)));
    }

    private static Milestone FailedOnce(out int attempt)
    {
        var milestone = MilestoneBuilder.Create();
        attempt = milestone.BeginFunding(Parties.Employer, Moments.Now).Number;
        milestone.MarkFundingAwaitingAction(attempt, "pi_1", "pi_1_secret_a", "funding_requires_action", Moments.Now.AddMinutes(1));
        milestone.MarkFundingFailed(attempt, _declined, Moments.Now.AddMinutes(2));
        milestone.ClearDomainEvents();
        return milestone;
    }
}
