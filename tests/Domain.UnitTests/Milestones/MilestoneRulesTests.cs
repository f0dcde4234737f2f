using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Milestones;

public sealed class MilestoneRulesTests
{
    [Fact]
    public void Approve_WhenAnotherEmployerApproves_RefusesWithWrongPartyAndChangesNothing()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PendingApproval);
        var before = MilestoneSnapshot.Of(milestone);

        var error = Assert.Throws<DomainException>(() => milestone.Approve(Parties.OtherEmployer, Moments.Later));

        Assert.Equal("milestone_wrong_party", error.Code);
        Assert.Equal(before, MilestoneSnapshot.Of(milestone));
    }

    [Fact]
    public void Submit_WhenAnotherTrainerSubmits_RefusesWithWrongPartyAndChangesNothing()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.ActiveFunded);
        var before = MilestoneSnapshot.Of(milestone);

        var error = Assert.Throws<DomainException>(() => milestone.Submit(Parties.OtherTrainer, "mine now", Moments.Later));

        Assert.Equal("milestone_wrong_party", error.Code);
        Assert.Equal(before, MilestoneSnapshot.Of(milestone));
    }

    [Theory]
    [InlineData(MilestoneStatus.NotFunded, nameof(Milestone.UpdateDetails))]
    [InlineData(MilestoneStatus.NotFunded, nameof(Milestone.BeginFunding))]
    [InlineData(MilestoneStatus.NotFunded, nameof(Milestone.Cancel))]
    [InlineData(MilestoneStatus.PendingApproval, nameof(Milestone.RequestChanges))]
    public void EmployerAction_WhenAnotherEmployerActs_RefusesWithWrongPartyAndChangesNothing(MilestoneStatus from, string action)
    {
        var milestone = MilestoneBuilder.InState(from);
        var before = MilestoneSnapshot.Of(milestone);

        var error = Assert.Throws<DomainException>(() => ActAsEmployer(milestone, action, Parties.OtherEmployer));

        Assert.Equal("milestone_wrong_party", error.Code);
        Assert.Equal(before, MilestoneSnapshot.Of(milestone));
    }

    [Fact]
    public void Approve_WhenTheTrainerApprovesTheirOwnWork_RefusesWithWrongParty()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.PendingApproval);

        var error = Assert.Throws<DomainException>(() => milestone.Approve(Parties.Trainer, Moments.Later));

        Assert.Equal("milestone_wrong_party", error.Code);
        Assert.Equal(MilestoneStatus.PendingApproval, milestone.Status);
    }

    [Fact]
    public void Submit_WhenTheEmployerSubmits_RefusesWithWrongParty()
    {
        var milestone = MilestoneBuilder.InState(MilestoneStatus.ActiveFunded);

        var error = Assert.Throws<DomainException>(() => milestone.Submit(Parties.Employer, null, Moments.Later));

        Assert.Equal("milestone_wrong_party", error.Code);
        Assert.Equal(MilestoneStatus.ActiveFunded, milestone.Status);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(0L)]
    [InlineData(49L)]
    [InlineData(100_000_000L)]
    public void Create_WhenAmountIsOutsideChargeLimits_RefusesWithAmountOutOfRange(long cents)
    {
        var error = Assert.Throws<DomainException>(() => MilestoneBuilder.Create(amountCents: cents));

        Assert.Equal("amount_out_of_range", error.Code);
    }

    [Fact]
    public void Create_WhenAmountIsTheMinimumCharge_IsAccepted()
    {
        var milestone = MilestoneBuilder.Create(amountCents: 50);

        Assert.Equal(Money.FromCents(50), milestone.Amount);
        Assert.Equal(Money.FromCents(5), milestone.MarketplaceFee);
        Assert.Equal(Money.FromCents(995), milestone.ContractInitiationFee);
        Assert.Equal(Money.FromCents(1_050), milestone.EmployerTotal);
    }

    [Fact]
    public void Create_WhenFirstMilestoneAmountIsTheMaximumCharge_RefusesBecauseTotalWithFeesExceedsIt()
    {
        var error = Assert.Throws<DomainException>(() => MilestoneBuilder.Create(amountCents: 99_999_999, sequence: 1));

        Assert.Equal("amount_out_of_range", error.Code);
    }

    [Theory]
    [InlineData(1, 90_908_185L)] // 90,908,185 + 9,090,819 (9,090,818.5 up) + 995
    [InlineData(2, 90_909_090L)] // 90,909,090 + 9,090,909, no contract fee
    public void Create_WhenTotalWithFeesIsExactlyTheMaximumCharge_IsAccepted(int sequence, long cents)
    {
        var milestone = MilestoneBuilder.Create(amountCents: cents, sequence: sequence);

        Assert.Equal(Money.FromCents(99_999_999), milestone.EmployerTotal);
    }

    [Theory]
    [InlineData(1, 90_908_186L)]
    [InlineData(2, 90_909_091L)]
    public void Create_WhenTotalWithFeesIsOneCentAboveTheMaximumCharge_RefusesWithAmountOutOfRange(int sequence, long cents)
    {
        var error = Assert.Throws<DomainException>(() => MilestoneBuilder.Create(amountCents: cents, sequence: sequence));

        Assert.Equal("amount_out_of_range", error.Code);
    }

    [Fact]
    public void UpdateDetails_WhenAmountIsBelowMinimum_RefusesAndKeepsTheOldDetails()
    {
        var milestone = MilestoneBuilder.Create();
        var before = MilestoneSnapshot.Of(milestone);

        var error = Assert.Throws<DomainException>(() =>
            milestone.UpdateDetails(Parties.Employer, "New title", "New description", Money.FromCents(49), null, FeeSchedule.Default, Moments.Later));

        Assert.Equal("amount_out_of_range", error.Code);
        Assert.Equal(before, MilestoneSnapshot.Of(milestone));
    }

    [Fact]
    public void UpdateDetails_WhenAmountChanges_RecomputesTheFees()
    {
        var milestone = MilestoneBuilder.Create(amountCents: 10_000, sequence: 1);

        milestone.UpdateDetails(Parties.Employer, "New title", "New description", Money.FromCents(25_005), new DateOnly(2027, 1, 31), FeeSchedule.Default, Moments.Later);

        Assert.Equal(Money.FromCents(25_005), milestone.Amount);
        Assert.Equal(Money.FromCents(2_501), milestone.MarketplaceFee);
        Assert.Equal(Money.FromCents(995), milestone.ContractInitiationFee);
        Assert.Equal("New title", milestone.Title);
        Assert.Equal("New description", milestone.Description);
        Assert.Equal(new DateOnly(2027, 1, 31), milestone.DueDate);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_WhenDescriptionIsEmpty_RefusesWithDescriptionRequired(string description)
    {
        var error = Assert.Throws<DomainException>(() => Milestone.Create(
            MilestoneBuilder.ContractId,
            MilestoneBuilder.JobId,
            Parties.Employer,
            Parties.Trainer,
            1,
            "Title",
            description,
            Money.FromCents(10_000),
            null,
            FeeSchedule.Default,
            Moments.Now));

        Assert.Equal("description_required", error.Code);
    }

    [Fact]
    public void UpdateDetails_WhenDescriptionIsEmpty_RefusesAndKeepsTheOldDetails()
    {
        var milestone = MilestoneBuilder.Create();
        var before = MilestoneSnapshot.Of(milestone);

        var error = Assert.Throws<DomainException>(() =>
            milestone.UpdateDetails(Parties.Employer, "New title", " ", Money.FromCents(10_000), null, FeeSchedule.Default, Moments.Later));

        Assert.Equal("description_required", error.Code);
        Assert.Equal(before, MilestoneSnapshot.Of(milestone));
    }

    [Theory]
    [InlineData(null, 1, "Milestone 1")]
    [InlineData("", 3, "Milestone 3")]
    [InlineData("   ", 12, "Milestone 12")]
    [InlineData("  Label cats  ", 2, "Label cats")]
    public void Create_WhenTitleIsBlankOrPadded_UsesSequenceDefaultOrTrimmedTitle(string? title, int sequence, string expected)
    {
        var milestone = MilestoneBuilder.Create(sequence: sequence, title: title);

        Assert.Equal(expected, milestone.Title);
    }

    [Fact]
    public void Create_WhenCreated_IsNotFundedWithOneCreatedEventAndTimelineEntry()
    {
        var milestone = MilestoneBuilder.Create();

        Assert.Equal(MilestoneStatus.NotFunded, milestone.Status);
        Assert.Equal(PayoutStatus.NotRequested, milestone.Payout.Status);
        var created = Assert.IsType<MilestoneCreated>(Assert.Single(milestone.DomainEvents));
        Assert.Equal(milestone.Id, created.MilestoneId);
        var entry = Assert.Single(milestone.Timeline);
        Assert.Equal("created", entry.Action);
        Assert.Null(entry.From);
        Assert.Equal(MilestoneStatus.NotFunded, entry.To);
        Assert.Equal(Parties.Employer, entry.ActorId);
    }

    private static void ActAsEmployer(Milestone milestone, string action, UserId employer)
    {
        switch (action)
        {
            case nameof(Milestone.UpdateDetails):
                milestone.UpdateDetails(employer, "Hijacked", "Hijacked", Money.FromCents(60), null, FeeSchedule.Default, Moments.Later);
                break;
            case nameof(Milestone.BeginFunding):
                milestone.BeginFunding(employer, Moments.Later);
                break;
            case nameof(Milestone.Cancel):
                milestone.Cancel(employer, Moments.Later);
                break;
            case nameof(Milestone.RequestChanges):
                milestone.RequestChanges(employer, "Redo it", Moments.Later);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, null);
        }
    }
}
