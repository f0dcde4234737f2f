using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.UnitTests.Milestones;

/// <summary>The first step of funding (<see cref="FundingSteps.BeginAsync"/>): what it refuses, what it starts.</summary>
public sealed class BeginFundingHandlerTests
{
    private readonly FakeTimeProvider _clock = new(Moments.Now.AddHours(1));
    private readonly Escrow _escrow = new(Moments.Now);

    private Milestone Milestone => _escrow.Milestone;

    [Fact]
    public async Task Handle_WhenTheMilestoneIsAnotherEmployers_ThrowsNotFoundAndStartsNothing()
    {
        var steps = Steps(Parties.OtherEmployer, Escrow.FundingReadyProfile(Parties.OtherEmployer, Moments.Now));

        await Assert.ThrowsAsync<NotFoundException>(async () => await steps.Begin(Milestone.Id));

        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
        Assert.Equal(0, Milestone.Funding.Attempts);
    }

    [Fact]
    public async Task Handle_WhenTheMilestoneDoesNotExist_ThrowsNotFound()
    {
        var steps = Steps(Parties.Employer, _escrow.Billing);

        await Assert.ThrowsAsync<NotFoundException>(async () => await steps.Begin(new MilestoneId(Guid.NewGuid())));
    }

    [Fact]
    public async Task Handle_WhenTheEmployerHasNoBillingProfile_ThrowsPaymentMethodRequiredAndStartsNothing()
    {
        var steps = Steps(Parties.Employer, billing: null);

        var error = await Assert.ThrowsAsync<DomainException>(async () => await steps.Begin(Milestone.Id));

        Assert.Equal(EmployerBillingProfile.PaymentMethodRequired, error.Code);
        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
        Assert.Equal(0, Milestone.Funding.Attempts);
    }

    [Fact]
    public async Task Handle_WhenTheProfileHasNoPaymentMethod_ThrowsPaymentMethodRequiredAndStartsNothing()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.LinkCustomer("cus_test_1");
        var steps = Steps(Parties.Employer, profile);

        var error = await Assert.ThrowsAsync<DomainException>(async () => await steps.Begin(Milestone.Id));

        Assert.Equal(EmployerBillingProfile.PaymentMethodRequired, error.Code);
        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
    }

    [Fact]
    public async Task Handle_WhenFundable_StartsAttemptOneAndBuildsTheProviderRequest()
    {
        var steps = Steps(Parties.Employer, _escrow.Billing);

        var instruction = await steps.Begin(Milestone.Id);

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
        var steps = Steps(Parties.Employer, _escrow.Billing);

        var instruction = await steps.Begin(Milestone.Id);

        Assert.Equal(2, instruction.Attempt);
        Assert.Equal($"fund-{Milestone.Id.Value:N}-2", instruction.Request.IdempotencyKey);
        Assert.NotEqual(ProviderIdempotencyKeys.Funding(first.MilestoneId, first.Number), instruction.Request.IdempotencyKey);
    }

    [Fact]
    public async Task Handle_WhenThePlanNeedsASubscriptionThatIsNotActive_ThrowsSubscriptionRequired()
    {
        var profile = Escrow.FundingReadyProfile(Parties.Employer, Moments.Now);
        profile.ChangePlan(BillingPlan.Agency, SubscriptionStatus.PastDue, "sub_1", Moments.Now);
        var steps = Steps(Parties.Employer, profile);

        var error = await Assert.ThrowsAsync<DomainException>(async () => await steps.Begin(Milestone.Id));

        Assert.Equal(EmployerBillingProfile.SubscriptionRequired, error.Code);
        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
    }

    private Caller Steps(UserId caller, EmployerBillingProfile? billing) => new(
        new FundingSteps(
            Repositories.Milestones(Milestone),
            Repositories.Of<Job, JobId>(_escrow.Job),
            billing is null ? Repositories.Of<EmployerBillingProfile, UserId>() : Repositories.Of<EmployerBillingProfile, UserId>(billing),
            Repositories.Of<Contract, ContractId>(_escrow.Contract),
            Substitute.For<IInvoiceRepository>(),
            new InvoiceIssuer(Substitute.For<IInvoiceRepository>(), Substitute.For<IInvoiceNumberSequence>(), Repositories.Of<Job, JobId>(_escrow.Job), Substitute.For<IReadStore>()),
            Options.Create(new FundingOptions()),
            _clock),
        caller);

    /// <summary>The funding steps as one employer runs them.</summary>
    private sealed record Caller(FundingSteps FundingSteps, UserId Employer)
    {
        public Task<FundingInstruction> Begin(MilestoneId milestoneId) => FundingSteps.BeginAsync(milestoneId, Employer, CancellationToken.None);
    }
}
