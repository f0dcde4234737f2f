using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.UnitTests.Milestones;

public sealed class BeginFundingHandlerTests
{
    private readonly FakeTimeProvider _clock = new(Moments.Now.AddHours(1));
    private readonly Escrow _escrow = new(Moments.Now);

    private Milestone Milestone => _escrow.Milestone;

    [Fact]
    public async Task Handle_WhenTheMilestoneIsAnotherEmployers_ThrowsNotFoundAndStartsNothing()
    {
        var handler = Handler(Parties.OtherEmployer, Escrow.FundingReadyProfile(Parties.OtherEmployer, Moments.Now));

        await Assert.ThrowsAsync<NotFoundException>(async () => await handler.Handle(new BeginFundingCommand(Milestone.Id.Value), CancellationToken.None));

        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
        Assert.Equal(0, Milestone.FundingAttempts);
    }

    [Fact]
    public async Task Handle_WhenTheMilestoneDoesNotExist_ThrowsNotFound()
    {
        var handler = Handler(Parties.Employer, _escrow.Billing);

        await Assert.ThrowsAsync<NotFoundException>(async () => await handler.Handle(new BeginFundingCommand(Guid.NewGuid()), CancellationToken.None));
    }

    [Fact]
    public async Task Handle_WhenTheEmployerHasNoBillingProfile_ThrowsPaymentMethodRequiredAndStartsNothing()
    {
        var handler = Handler(Parties.Employer, billing: null);

        var error = await Assert.ThrowsAsync<DomainException>(async () => await handler.Handle(new BeginFundingCommand(Milestone.Id.Value), CancellationToken.None));

        Assert.Equal(EmployerBillingProfile.PaymentMethodRequired, error.Code);
        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
        Assert.Equal(0, Milestone.FundingAttempts);
    }

    [Fact]
    public async Task Handle_WhenTheProfileHasNoPaymentMethod_ThrowsPaymentMethodRequiredAndStartsNothing()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.LinkCustomer("cus_test_1");
        var handler = Handler(Parties.Employer, profile);

        var error = await Assert.ThrowsAsync<DomainException>(async () => await handler.Handle(new BeginFundingCommand(Milestone.Id.Value), CancellationToken.None));

        Assert.Equal(EmployerBillingProfile.PaymentMethodRequired, error.Code);
        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
    }

    [Fact]
    public async Task Handle_WhenFundable_StartsAttemptOneAndBuildsTheProviderRequest()
    {
        var handler = Handler(Parties.Employer, _escrow.Billing);

        var instruction = await handler.Handle(new BeginFundingCommand(Milestone.Id.Value), CancellationToken.None);

        Assert.Equal(MilestoneStatus.Funding, Milestone.Status);
        Assert.Equal(1, instruction.Attempt);
        Assert.Equal(Milestone.Id, instruction.MilestoneId);
        Assert.Equal(_escrow.Contract.Id, instruction.ContractId);
        var request = instruction.Request;
        Assert.Equal($"fund-{Milestone.Id.Value:N}-1", request.IdempotencyKey);

        // 50,000 + 10% marketplace fee + the 995 contract initiation fee of a first milestone.
        Assert.Equal(Money.FromCents(50_000 + 5_000 + 995), request.Amount);
        Assert.Equal(Milestone.Id.Value.ToString(), request.TransferGroup);
        Assert.Equal("cus_test_1", request.CustomerId);
        Assert.Equal("pm_card_visa", request.PaymentMethodId);
        Assert.Equal(Parties.Employer, request.EmployerId);
        Assert.Equal(Milestone.Id.Value.ToString(), request.Metadata["milestone_id"]);
        Assert.Equal(_escrow.Contract.Id.Value.ToString(), request.Metadata["contract_id"]);
        Assert.Equal(_escrow.Job.Id.Value.ToString(), request.Metadata["job_id"]);
        Assert.Contains(_escrow.Job.Title, request.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handle_WhenASecondAttemptStarts_DerivesANewIdempotencyKey()
    {
        var first = Milestone.BeginFunding(Parties.Employer, Moments.Now);
        Milestone.MarkFundingFailed(first.Number, new FundingError("generic_decline", "Declined."), Moments.Now);
        var handler = Handler(Parties.Employer, _escrow.Billing);

        var instruction = await handler.Handle(new BeginFundingCommand(Milestone.Id.Value), CancellationToken.None);

        Assert.Equal(2, instruction.Attempt);
        Assert.Equal($"fund-{Milestone.Id.Value:N}-2", instruction.Request.IdempotencyKey);
        Assert.NotEqual(first.IdempotencyKey, instruction.Request.IdempotencyKey);
    }

    [Fact]
    public async Task Handle_WhenThePlanNeedsASubscriptionThatIsNotActive_ThrowsSubscriptionRequired()
    {
        var profile = Escrow.FundingReadyProfile(Parties.Employer, Moments.Now);
        profile.ChangePlan(BillingPlan.Agency, SubscriptionStatus.PastDue, "sub_1", Moments.Now);
        var handler = Handler(Parties.Employer, profile);

        var error = await Assert.ThrowsAsync<DomainException>(async () => await handler.Handle(new BeginFundingCommand(Milestone.Id.Value), CancellationToken.None));

        Assert.Equal(EmployerBillingProfile.SubscriptionRequired, error.Code);
        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
    }

    private BeginFundingHandler Handler(UserId caller, EmployerBillingProfile? billing) => new(
        Repositories.Milestones(Milestone),
        Repositories.Of<Job, JobId>(_escrow.Job),
        billing is null ? Repositories.Of<EmployerBillingProfile, UserId>() : Repositories.Of<EmployerBillingProfile, UserId>(billing),
        Callers.Signed(caller),
        _clock);
}
