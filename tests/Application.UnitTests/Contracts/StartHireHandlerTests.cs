using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Contracts.HireTrainer;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Application.UnitTests.Contracts;

/// <summary>The first step of a hire (<see cref="StartHireStep"/>): what it refuses before adding anything, what it adds.</summary>
public sealed class StartHireHandlerTests
{
    private readonly FakeTimeProvider _clock = new(Moments.Now);
    private readonly Job _job = Job.Create(Parties.Employer, "Preference data for a coding model", null, Moments.Now);
    private readonly UserProfile _trainer = UserProfile.Register(Parties.Trainer, UserRole.Trainer, "Tess Trainer", "tess@example.com", Moments.Now);
    private readonly UserProfile _employerProfile = UserProfile.Register(Parties.OtherEmployer, UserRole.Employer, "Emma", "emma@example.com", Moments.Now);
    private readonly IRepository<Contract, ContractId> _contracts = Substitute.For<IRepository<Contract, ContractId>>();
    private readonly IMilestoneRepository _milestones = Substitute.For<IMilestoneRepository>();
    private readonly NewMilestone _first = new("First 1,000 preference pairs", 10_000, "Batch 1");

    [Fact]
    public async Task Handle_WhenTheTrainerIsUnknown_ThrowsTrainerNotFoundAndAddsNothing()
    {
        var step = Step(Escrow.FundingReadyProfile(Parties.Employer, Moments.Now));

        var error = await Assert.ThrowsAsync<UnprocessableException>(async () =>
            await step.Start(new HireTrainerCommand(_job.Id.Value, Guid.NewGuid(), _first)));

        Assert.Equal("trainer_not_found", error.Code);
        Assert.Equal("trainerId", error.Field);
        AssertNothingAdded();
    }

    [Fact]
    public async Task Handle_WhenTheUserNamedIsNotATrainer_ThrowsTrainerNotFound()
    {
        var step = Step(Escrow.FundingReadyProfile(Parties.Employer, Moments.Now));

        var error = await Assert.ThrowsAsync<UnprocessableException>(async () =>
            await step.Start(new HireTrainerCommand(_job.Id.Value, _employerProfile.Id.Value, _first)));

        Assert.Equal("trainer_not_found", error.Code);
        AssertNothingAdded();
    }

    [Fact]
    public async Task Handle_WhenTheEmployerHasNoBillingProfile_ThrowsPaymentMethodRequiredBeforeAnythingIsAdded()
    {
        var step = Step(billing: null);

        var error = await Assert.ThrowsAsync<DomainException>(async () =>
            await step.Start(new HireTrainerCommand(_job.Id.Value, Parties.Trainer.Value, _first)));

        Assert.Equal(EmployerBillingProfile.PaymentMethodRequired, error.Code);
        AssertNothingAdded();
    }

    [Fact]
    public async Task Handle_WhenTheProfileHasNoPaymentMethod_ThrowsPaymentMethodRequiredBeforeAnythingIsAdded()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.LinkCustomer("cus_test_1");
        var step = Step(profile);

        var error = await Assert.ThrowsAsync<DomainException>(async () =>
            await step.Start(new HireTrainerCommand(_job.Id.Value, Parties.Trainer.Value, _first)));

        Assert.Equal(EmployerBillingProfile.PaymentMethodRequired, error.Code);
        AssertNothingAdded();
    }

    [Fact]
    public async Task Handle_WhenTheJobIsAnotherEmployers_ThrowsNotFoundAndAddsNothing()
    {
        var step = Step(Escrow.FundingReadyProfile(Parties.OtherEmployer, Moments.Now), caller: Parties.OtherEmployer);

        await Assert.ThrowsAsync<NotFoundException>(async () =>
            await step.Start(new HireTrainerCommand(_job.Id.Value, Parties.Trainer.Value, _first)));

        AssertNothingAdded();
    }

    [Fact]
    public async Task Handle_WhenAllowed_AddsAPendingContractAndItsFirstMilestoneWithAnAttemptInFlight()
    {
        Contract? contract = null;
        Milestone? milestone = null;
        _contracts.When(r => r.Add(Arg.Any<Contract>())).Do(call => contract = call.Arg<Contract>());
        _milestones.When(r => r.Add(Arg.Any<Milestone>())).Do(call => milestone = call.Arg<Milestone>());
        var step = Step(Escrow.FundingReadyProfile(Parties.Employer, Moments.Now));

        var started = await step.Start(new HireTrainerCommand(_job.Id.Value, Parties.Trainer.Value, _first));

        Assert.NotNull(contract);
        Assert.NotNull(milestone);
        Assert.Equal(ContractStatus.Pending, contract.Status);
        Assert.Equal(Parties.Trainer, contract.TrainerId);
        Assert.Equal(contract.Id, milestone.ContractId);
        Assert.Equal(1, milestone.Sequence);
        Assert.Equal(MilestoneStatus.Funding, milestone.Status);
        Assert.Equal(contract.Id, started.ContractId);
        Assert.Equal(milestone.Id, started.MilestoneId);
        Assert.Equal($"fund-{milestone.Id.Value:N}-1", started.Request.IdempotencyKey);
    }

    [Fact]
    public async Task Handle_WhenFeesAreConfigured_QuotesTheFirstMilestoneWithThem()
    {
        Milestone? milestone = null;
        _milestones.When(r => r.Add(Arg.Any<Milestone>())).Do(call => milestone = call.Arg<Milestone>());
        var fees = new FeeOptions { MarketplaceFeeRate = 0.20m, ContractInitiationFeeCents = 500 };
        var step = Step(Escrow.FundingReadyProfile(Parties.Employer, Moments.Now), fees: fees);

        var started = await step.Start(new HireTrainerCommand(_job.Id.Value, Parties.Trainer.Value, _first));

        Assert.NotNull(milestone);
        Assert.Equal(Money.FromCents(2_000), milestone.MarketplaceFee);
        Assert.Equal(Money.FromCents(500), milestone.ContractInitiationFee);
        Assert.Equal(Money.FromCents(12_500), started.Request.Amount);
    }

    private void AssertNothingAdded()
    {
        _contracts.DidNotReceiveWithAnyArgs().Add(default!);
        _milestones.DidNotReceiveWithAnyArgs().Add(default!);
    }

    private Caller Step(EmployerBillingProfile? billing, UserId? caller = null, FeeOptions? fees = null) => new(
        new StartHireStep(
            Repositories.Of<Job, JobId>(_job),
            _contracts,
            _milestones,
            Repositories.Of<UserProfile, UserId>(_trainer, _employerProfile),
            billing is null ? Repositories.Of<EmployerBillingProfile, UserId>() : Repositories.Of<EmployerBillingProfile, UserId>(billing),
            Options.Create(fees ?? new FeeOptions()),
            _clock),
        caller ?? Parties.Employer);

    /// <summary>The hire's first step as one employer runs it.</summary>
    private sealed record Caller(StartHireStep StartHire, UserId Employer)
    {
        public Task<FundingInstruction> Start(HireTrainerCommand command) => StartHire.ExecuteAsync(command, Employer, CancellationToken.None);
    }
}
