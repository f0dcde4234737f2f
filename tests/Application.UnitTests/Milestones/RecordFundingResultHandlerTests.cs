using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.UnitTests.Milestones;

/// <summary>The outcome step of funding (<see cref="FundingSteps.RecordOutcomeAsync"/>), which the process, reconciliation and webhooks share.</summary>
public sealed class RecordFundingResultHandlerTests
{
    // Just after New Year (UTC): the invoice number must take its year from the clock at recording time.
    private static readonly DateTimeOffset RecordedAt = new(2027, 1, 1, 0, 0, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(RecordedAt);
    private readonly Escrow _escrow = new(Moments.Now);
    private readonly IInvoiceRepository _invoices = Substitute.For<IInvoiceRepository>();
    private readonly IInvoiceNumberSequence _numbers = Substitute.For<IInvoiceNumberSequence>();
    private readonly List<Invoice> _added = [];
    private readonly FundingSteps _steps;

    public RecordFundingResultHandlerTests()
    {
        _escrow.Milestone.BeginFunding(Parties.Employer, Moments.Now);
        _invoices.When(r => r.Add(Arg.Any<Invoice>())).Do(call => _added.Add(call.Arg<Invoice>()));
        _invoices.FindFundingInvoiceAsync(Arg.Any<MilestoneId>(), Arg.Any<int>(), Arg.Any<CancellationToken>())
            .Returns(call => _added.SingleOrDefault(i => i.MilestoneId == call.Arg<MilestoneId>() && i.FundingAttempt == call.Arg<int>()));
        _numbers.NextAsync(InvoiceKind.EmployerFunding, 2027, Arg.Any<CancellationToken>()).Returns("INV-2027-000041", "INV-2027-000042");
        _steps = new FundingSteps(
            Repositories.Milestones(_escrow.Milestone),
            Repositories.Of<Job, JobId>(_escrow.Job),
            Repositories.Of<Domain.Billing.EmployerBillingProfile, UserId>(_escrow.Billing),
            Repositories.Of<Contract, ContractId>(_escrow.Contract),
            _invoices,
            new OpenTrain.Clean.Application.Invoices.InvoiceIssuer(_invoices, _numbers, Repositories.Of<Job, JobId>(_escrow.Job), Substitute.For<IReadStore>()),
            Microsoft.Extensions.Options.Options.Create(new OpenTrain.Clean.Application.Common.FundingOptions()),
            _clock);
    }

    private Milestone Milestone => _escrow.Milestone;

    [Fact]
    public async Task Handle_WhenSucceeded_FundsTheMilestoneActivatesTheContractAndIssuesAPaidInvoice()
    {
        var response = await Record(1, new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_1"));

        Assert.Equal(MilestoneStatus.ActiveFunded, Milestone.Status);
        Assert.Equal("pi_1", Milestone.Funding.PaymentIntentId);
        Assert.Equal("ch_1", Milestone.Funding.ChargeId);
        Assert.Equal(RecordedAt, Milestone.Funding.FundedAt);
        Assert.Equal(ContractStatus.Active, _escrow.Contract.Status);
        var invoice = Assert.Single(_added);
        Assert.Equal("INV-2027-000041", invoice.Number);
        Assert.Equal(InvoiceKind.EmployerFunding, invoice.Kind);
        Assert.Equal(InvoicePaymentStatus.Paid, invoice.PaymentStatus);
        Assert.Equal("pi_1", invoice.PaymentReference);
        Assert.Equal(Milestone.EmployerTotal, invoice.Total);
        Assert.Equal(Milestone.Id, invoice.MilestoneId);
        Assert.Equal(1, invoice.FundingAttempt);
        Assert.Equal(_escrow.Job.Title, invoice.ProjectName);
        Assert.Equal(invoice.Id.Value, response.InvoiceId);
        Assert.Equal(MilestoneStatus.ActiveFunded, response.Milestone.Status);
        await _numbers.Received(1).NextAsync(InvoiceKind.EmployerFunding, 2027, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Handle_WhenDeclined_ReturnsTheMilestoneToNotFundedWithTheErrorAndFailsTheInvoice()
    {
        var response = await Record(1, new FundingResult(FundingOutcome.Declined, "pi_1", DeclineCode: "generic_decline", Message: "Your card was declined."));

        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
        Assert.Equal(new FundingError("generic_decline", "Your card was declined."), Milestone.Funding.LastError);
        Assert.Equal(ContractStatus.Pending, _escrow.Contract.Status);
        var invoice = Assert.Single(_added);
        Assert.Equal(InvoicePaymentStatus.Failed, invoice.PaymentStatus);
        Assert.Equal(FundingOutcome.Declined, response.Outcome);
        Assert.Equal("generic_decline", response.DeclineCode);
        Assert.Equal(MilestoneStatus.NotFunded, response.Milestone.Status);
        Assert.Equal("generic_decline", response.Milestone.Funding.LastError?.Code);
    }

    [Fact]
    public async Task Handle_WhenDeclinedWithoutACode_KeepsCardDeclinedAsTheError()
    {
        await Record(1, new FundingResult(FundingOutcome.Declined, "pi_1"));

        Assert.Equal("card_declined", Milestone.Funding.LastError?.Code);
    }

    [Fact]
    public async Task Handle_WhenActionIsRequired_KeepsTheMilestoneFundingWithTheClientSecretAndAPendingInvoice()
    {
        var response = await Record(1, new FundingResult(FundingOutcome.RequiresAction, "pi_1", ClientSecret: "pi_1_secret_abc"));

        Assert.Equal(MilestoneStatus.Funding, Milestone.Status);
        Assert.Equal("pi_1_secret_abc", Milestone.Funding.ClientSecret);
        Assert.Equal("pi_1", Milestone.Funding.PaymentIntentId);
        Assert.Equal("pi_1_secret_abc", response.ClientSecret);
        Assert.Equal(ContractStatus.Pending, _escrow.Contract.Status);
        Assert.Equal(InvoicePaymentStatus.Pending, Assert.Single(_added).PaymentStatus);
    }

    [Fact]
    public async Task Handle_WhenProcessing_KeepsTheMilestoneFundingWithoutASecretAndAPendingInvoice()
    {
        var response = await Record(1, new FundingResult(FundingOutcome.Processing, "pi_1", ClientSecret: "must_not_leak"));

        Assert.Equal(MilestoneStatus.Funding, Milestone.Status);
        Assert.Null(Milestone.Funding.ClientSecret);
        Assert.Null(response.ClientSecret);
        Assert.Equal(InvoicePaymentStatus.Pending, Assert.Single(_added).PaymentStatus);
    }

    [Fact]
    public async Task Handle_WhenTheOutcomeIsUnknown_LeavesTheMilestoneUntouchedAndTheInvoicePending()
    {
        var timelineBefore = Milestone.Timeline.Count;
        var eventsBefore = Milestone.DomainEvents.Count;

        var response = await Record(1, new FundingResult(FundingOutcome.Unknown, Message: "no answer"));

        Assert.Equal(MilestoneStatus.Funding, Milestone.Status);
        Assert.Null(Milestone.Funding.PaymentIntentId);
        Assert.Equal(timelineBefore, Milestone.Timeline.Count);
        Assert.Equal(eventsBefore, Milestone.DomainEvents.Count);
        Assert.Equal(ContractStatus.Pending, _escrow.Contract.Status);
        Assert.Equal(InvoicePaymentStatus.Pending, Assert.Single(_added).PaymentStatus);
        Assert.Equal(FundingOutcome.Unknown, response.Outcome);
    }

    [Fact]
    public async Task Handle_WhenAStaleAttemptIsDeclined_ChangesNothingAndIssuesNoInvoice()
    {
        await Record(1, new FundingResult(FundingOutcome.Declined, "pi_1", DeclineCode: "generic_decline"));
        Milestone.BeginFunding(Parties.Employer, RecordedAt);
        var timelineBefore = Milestone.Timeline.Count;
        Milestone.ClearDomainEvents();
        _numbers.ClearReceivedCalls();
        _invoices.ClearReceivedCalls();

        var response = await Record(1, new FundingResult(FundingOutcome.Declined, "pi_1", DeclineCode: "generic_decline"));

        Assert.Equal(MilestoneStatus.Funding, Milestone.Status);
        Assert.Equal(2, Milestone.Funding.Attempts);
        Assert.Null(Milestone.Funding.ChargeId);
        Assert.Equal(timelineBefore, Milestone.Timeline.Count);
        Assert.Empty(Milestone.DomainEvents);
        await _numbers.DidNotReceiveWithAnyArgs().NextAsync(default, default, default);
        _invoices.DidNotReceiveWithAnyArgs().Add(default!);
        Assert.Equal(MilestoneStatus.Funding, response.Milestone.Status);
    }

    // Regression (issue 12): 3-D Secure failed (payment_failed, milestone back to not_funded), then the employer
    // completed the same PaymentIntent with the first answer's client secret: charged, not funded, nothing refunded.
    [Fact]
    public async Task Handle_WhenAFailedAttemptSucceedsLateAndTheMilestoneIsUnfunded_FundsItWithThatCharge()
    {
        await Record(1, new FundingResult(FundingOutcome.RequiresAction, "pi_1", ClientSecret: "pi_1_secret_a", Amount: Milestone.EmployerTotal.Amount));
        await Record(1, new FundingResult(FundingOutcome.Declined, "pi_1", DeclineCode: "authentication_failed", Amount: Milestone.EmployerTotal.Amount));
        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
        Milestone.ClearDomainEvents();

        var response = await Record(1, new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_late", Amount: Milestone.EmployerTotal.Amount));

        Assert.Equal(MilestoneStatus.ActiveFunded, Milestone.Status);
        Assert.Equal("ch_late", Milestone.Funding.ChargeId);
        Assert.Equal(ContractStatus.Active, _escrow.Contract.Status);
        Assert.Equal(InvoicePaymentStatus.Paid, Assert.Single(_added).PaymentStatus);
        var accepted = Assert.Single(Milestone.DomainEvents.OfType<MilestoneLatePaymentAccepted>());
        Assert.Equal(Parties.Employer, accepted.EmployerId);
        Assert.Empty(Milestone.DomainEvents.OfType<MilestoneDuplicateChargeDetected>());
        Assert.Equal(MilestoneStatus.ActiveFunded, response.Milestone.Status);
    }

    [Fact]
    public async Task Handle_WhenAStaleAttemptSucceedsWhileAnotherIsInFlight_RecordsADuplicateChargeOnce()
    {
        await Record(1, new FundingResult(FundingOutcome.Declined, "pi_1", DeclineCode: "generic_decline"));
        Milestone.BeginFunding(Parties.Employer, RecordedAt);
        Milestone.ClearDomainEvents();

        await Record(1, new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_1", Amount: Milestone.EmployerTotal.Amount));
        await Record(1, new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_1", Amount: Milestone.EmployerTotal.Amount));

        Assert.Equal(MilestoneStatus.Funding, Milestone.Status);
        Assert.Null(Milestone.Funding.ChargeId);
        var duplicate = Assert.Single(Milestone.DomainEvents.OfType<MilestoneDuplicateChargeDetected>());
        Assert.Equal(("pi_1", "ch_1", Milestone.EmployerTotal), (duplicate.PaymentIntentId, duplicate.ChargeId, duplicate.Charged));
        Assert.True(Milestone.IsDuplicateChargeOutstanding("pi_1"));
        Assert.Single(_added);
    }

    [Fact]
    public async Task Handle_WhenALateSuccessChargedAnotherPriceThanTheMilestoneNow_RecordsADuplicateInsteadOfFunding()
    {
        await Record(1, new FundingResult(FundingOutcome.Declined, "pi_1", DeclineCode: "generic_decline"));
        Milestone.ClearDomainEvents();

        await Record(1, new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_1", Amount: Milestone.EmployerTotal.Amount - 100));

        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
        Assert.Single(Milestone.DomainEvents.OfType<MilestoneDuplicateChargeDetected>());
    }

    [Fact]
    public async Task Handle_WhenADuplicateIsReportedAgainAfterTheMilestoneBecameFundable_NeverFundsItWithTheChargeBeingRefunded()
    {
        await Record(1, new FundingResult(FundingOutcome.Declined, "pi_1", DeclineCode: "generic_decline"));
        Milestone.BeginFunding(Parties.Employer, RecordedAt);
        await Record(1, new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_1", Amount: Milestone.EmployerTotal.Amount));
        await Record(2, new FundingResult(FundingOutcome.Declined, "pi_2", DeclineCode: "generic_decline"));
        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);

        await Record(1, new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_1", Amount: Milestone.EmployerTotal.Amount));

        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
        Assert.Null(Milestone.Funding.ChargeId);
    }

    [Fact]
    public async Task Handle_WhenASuccessIsRecordedTwice_IssuesOneInvoiceAndChangesNothingTheSecondTime()
    {
        var first = await Record(1, new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_1"));
        var eventsAfterFirst = Milestone.DomainEvents.Count;

        var second = await Record(1, new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_1"));

        Assert.Single(_added);
        Assert.Equal(first.InvoiceId, second.InvoiceId);
        Assert.Equal(eventsAfterFirst, Milestone.DomainEvents.Count);
        await _numbers.Received(1).NextAsync(Arg.Any<InvoiceKind>(), Arg.Any<int>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Handle_WhenTheAttemptSucceedsAfterRequiringAction_MarksTheSameInvoicePaid()
    {
        var pending = await Record(1, new FundingResult(FundingOutcome.RequiresAction, "pi_1", ClientSecret: "pi_1_secret_abc"));

        var paid = await Record(1, new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_1"));

        var invoice = Assert.Single(_added);
        Assert.Equal(pending.InvoiceId, paid.InvoiceId);
        Assert.Equal("INV-2027-000041", invoice.Number);
        Assert.Equal(InvoicePaymentStatus.Paid, invoice.PaymentStatus);
        Assert.Equal(MilestoneStatus.ActiveFunded, Milestone.Status);
        Assert.Null(Milestone.Funding.ClientSecret);
    }

    [Fact]
    public async Task Handle_WhenTheMilestoneDoesNotExist_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<NotFoundException>(async () =>
            await _steps.RecordOutcomeAsync(new MilestoneId(Guid.NewGuid()), 1, new FundingResult(FundingOutcome.Succeeded, "pi_1"), CancellationToken.None));

        Assert.Empty(_added);
    }

    private async Task<FundingResponse> Record(int attempt, FundingResult result) =>
        await _steps.RecordOutcomeAsync(Milestone.Id, attempt, result, CancellationToken.None);
}
