using Mediator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;

namespace OpenTrain.Clean.Application.UnitTests.Milestones;

/// <summary>
/// The funding steps wired as the mediator wires them, with real handlers: the sender substitute
/// only routes each step command to its handler (the pipeline is tested on its own).
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

        var milestones = Repositories.Milestones(escrow.Milestone);
        var jobs = Repositories.Of<Job, JobId>(escrow.Job);
        var begin = new BeginFundingHandler(
            milestones, jobs, Repositories.Of<EmployerBillingProfile, UserId>(escrow.Billing), Callers.Signed(Parties.Employer), clock);
        var record = new RecordFundingResultHandler(milestones, Repositories.Of<Contract, ContractId>(escrow.Contract), jobs, Invoices, Numbers, Microsoft.Extensions.Options.Options.Create(new OpenTrain.Clean.Application.Common.FundingOptions()), Substitute.For<IReadStore>(), clock);

        Sender.Send(Arg.Any<BeginFundingCommand>(), Arg.Any<CancellationToken>())
            .Returns(call => begin.Handle(call.Arg<BeginFundingCommand>(), call.Arg<CancellationToken>()));
        Sender.Send(Arg.Any<RecordFundingResultCommand>(), Arg.Any<CancellationToken>())
            .Returns(call =>
            {
                Recorded.Add(call.Arg<RecordFundingResultCommand>());
                return record.Handle(call.Arg<RecordFundingResultCommand>(), call.Arg<CancellationToken>());
            });
        Process = new FundingProcess(Gateway, Sender, NullLogger<FundingProcess>.Instance);
    }

    public Escrow Escrow { get; }

    public IPaymentGateway Gateway { get; } = Substitute.For<IPaymentGateway>();

    public ISender Sender { get; } = Substitute.For<ISender>();

    public IInvoiceRepository Invoices { get; } = Substitute.For<IInvoiceRepository>();

    public IInvoiceNumberSequence Numbers { get; } = Substitute.For<IInvoiceNumberSequence>();

    public List<Invoice> AddedInvoices { get; } = [];

    public List<RecordFundingResultCommand> Recorded { get; } = [];

    public FundingProcess Process { get; }

    /// <summary>What BeginFunding would have committed: the milestone's current attempt, ready to send.</summary>
    public FundingInstruction BeginAttempt(DateTimeOffset at)
    {
        Escrow.Milestone.BeginFunding(Parties.Employer, at);
        return FundingRequests.For(Escrow.Milestone, Escrow.Job, Escrow.Billing, Escrow.Billing.DefaultPaymentMethod!);
    }
}
