using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.FundMilestone;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.UnitTests.Milestones;

public sealed class FundMilestoneHandlerTests
{
    private readonly FundingWiring _wiring = new(new Escrow(Moments.Now), new FakeTimeProvider(Moments.Now.AddMinutes(5)));

    private Milestone Milestone => _wiring.Escrow.Milestone;

    [Fact]
    public async Task Handle_WhenTheCardIsDeclined_RecordsTheDeclineThenThrowsPaymentDeclined()
    {
        _wiring.Gateway.FundAsync(Arg.Any<FundingRequest>(), Arg.Any<CancellationToken>())
            .Returns(new FundingResult(FundingOutcome.Declined, "pi_1", DeclineCode: "insufficient_funds", Message: "Your card has insufficient funds."));
        var handler = new FundMilestoneHandler(_wiring.Process, Callers.Signed(Parties.Employer));

        var declined = await Assert.ThrowsAsync<PaymentDeclinedException>(async () =>
            await handler.Handle(new FundMilestoneCommand(Milestone.Id.Value), CancellationToken.None));

        Assert.Equal("insufficient_funds", declined.Code);
        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
        Assert.Equal("insufficient_funds", Milestone.Funding.LastError?.Code);
        Assert.Equal(InvoicePaymentStatus.Failed, Assert.Single(_wiring.AddedInvoices).PaymentStatus);
    }

    [Fact]
    public async Task Handle_WhenTheChargeSucceeds_ChargesTheCommittedAttemptOnceAndReturnsTheFundedMilestone()
    {
        _wiring.Gateway.FundAsync(Arg.Any<FundingRequest>(), Arg.Any<CancellationToken>())
            .Returns(new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_1"));
        var handler = new FundMilestoneHandler(_wiring.Process, Callers.Signed(Parties.Employer));

        var response = await handler.Handle(new FundMilestoneCommand(Milestone.Id.Value), CancellationToken.None);

        await _wiring.Gateway.Received(1).FundAsync(
            Arg.Is<FundingRequest>(r => r.IdempotencyKey == $"fund-{Milestone.Id.Value:N}-1" && r.Amount == Milestone.EmployerTotal),
            Arg.Any<CancellationToken>());
        Assert.Equal(MilestoneStatus.ActiveFunded, response.Milestone.Status);
        Assert.Equal(FundingOutcome.Succeeded, response.Outcome);
        Assert.NotNull(response.InvoiceId);
    }
}
