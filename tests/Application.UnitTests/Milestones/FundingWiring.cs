using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;

namespace OpenTrain.Clean.Application.UnitTests.Milestones;

/// <summary>
/// The funding process with its real steps; only the ports are substitutes, and the unit of work
/// runs each step at once and counts the transactions it would commit.
/// </summary>
internal sealed class FundingWiring
{
    public FundingWiring(Escrow escrow, FakeTimeProvider clock)
    {
        Escrow = escrow;
        Invoices.When(r => r.Add(Arg.Any<Invoice>())).Do(call => AddedInvoices.Add(call.Arg<Invoice>()));
        Invoices.FindFundingInvoiceAsync(Arg.Any<MilestoneId>(), Arg.Any<int>(), Arg.Any<CancellationToken>())
            .Returns(call => AddedInvoices.SingleOrDefault(i => i.MilestoneId == call.Arg<MilestoneId>() && i.FundingAttempt == call.Arg<int>()));
        Numbers.NextAsync(Arg.Any<InvoiceKind>(), Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns("INV-2026-000001");

        var jobs = Repositories.Of<Job, JobId>(escrow.Job);
        Steps = new FundingSteps(
            Repositories.Milestones(escrow.Milestone),
            jobs,
            Repositories.Of<EmployerBillingProfile, UserId>(escrow.Billing),
            Repositories.Of<Contract, ContractId>(escrow.Contract),
            Invoices,
            new InvoiceIssuer(Invoices, Numbers, jobs, Substitute.For<IReadStore>()),
            Options.Create(new FundingOptions()),
            clock);
        Process = new FundingProcess(UnitOfWork, Steps, Gateway, Substitute.For<IReadStore>(), clock, NullLogger<FundingProcess>.Instance);
    }

    public Escrow Escrow { get; }

    public IPaymentGateway Gateway { get; } = Substitute.For<IPaymentGateway>();

    public InlineUnitOfWork UnitOfWork { get; } = new();

    public IInvoiceRepository Invoices { get; } = Substitute.For<IInvoiceRepository>();

    public IInvoiceNumberSequence Numbers { get; } = Substitute.For<IInvoiceNumberSequence>();

    public List<Invoice> AddedInvoices { get; } = [];

    public FundingSteps Steps { get; }

    public FundingProcess Process { get; }

    /// <summary>What the first step would have committed: the milestone's current attempt, ready to send.</summary>
    public FundingInstruction BeginAttempt(DateTimeOffset at)
    {
        Escrow.Milestone.BeginFunding(Parties.Employer, at);
        return FundingRequests.For(Escrow.Milestone, Escrow.Job, Escrow.Billing, Escrow.Billing.DefaultPaymentMethod!);
    }

    /// <summary>Runs the process on an attempt <see cref="BeginAttempt"/> made: the charge, then the outcome.</summary>
    public Task<FundingResponse> CompleteAsync(FundingInstruction instruction) =>
        Process.RunAsync(_ => Task.FromResult(instruction), CancellationToken.None);
}
