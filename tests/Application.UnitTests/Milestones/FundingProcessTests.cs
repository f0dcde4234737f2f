using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.UnitTests.Milestones;

public sealed class FundingProcessTests
{
    private readonly FakeTimeProvider _clock = new(Moments.Now.AddMinutes(5));
    private readonly FundingWiring _wiring;

    public FundingProcessTests() => _wiring = new FundingWiring(new Escrow(Moments.Now), _clock);

    private Milestone Milestone => _wiring.Escrow.Milestone;

    [Fact]
    public async Task RunAsync_WhenTheGatewayThrowsPaymentProviderException_RecordsTheAttemptAsUnknown()
    {
        var instruction = _wiring.BeginAttempt(Moments.Now);
        _wiring.Gateway.FundAsync(Arg.Any<FundingRequest>(), Arg.Any<CancellationToken>()).ThrowsAsync(new PaymentProviderException("connection reset"));

        var response = await _wiring.CompleteAsync(instruction);

        // The outcome was recorded, in its own transaction, for attempt 1 of this milestone.
        Assert.Equal(2, _wiring.UnitOfWork.Commits);
        var invoice = Assert.Single(_wiring.AddedInvoices);
        Assert.Equal(Milestone.Id, invoice.MilestoneId);
        Assert.Equal(1, invoice.FundingAttempt);
        Assert.Equal(FundingOutcome.Unknown, response.Outcome);
        Assert.Equal(MilestoneStatus.Funding, Milestone.Status);
        Assert.Equal(InvoicePaymentStatus.Pending, Assert.Single(_wiring.AddedInvoices).PaymentStatus);
    }

    [Fact]
    public async Task RunAsync_WhenTheGatewayAnswers_SendsTheInstructionsRequestAndRecordsTheAnswer()
    {
        var instruction = _wiring.BeginAttempt(Moments.Now);
        var answer = new FundingResult(FundingOutcome.Succeeded, "pi_1", "ch_1");
        _wiring.Gateway.FundAsync(instruction.Request, Arg.Any<CancellationToken>()).Returns(answer);

        var response = await _wiring.CompleteAsync(instruction);

        await _wiring.Gateway.Received(1).FundAsync(instruction.Request, CancellationToken.None);
        Assert.Equal(2, _wiring.UnitOfWork.Commits);
        Assert.Equal(answer.PaymentIntentId, Milestone.Funding.PaymentIntentId);
        Assert.Equal(answer.ChargeId, Milestone.Funding.ChargeId);
        Assert.Equal(MilestoneStatus.ActiveFunded, response.Milestone.Status);
        Assert.Equal(MilestoneStatus.ActiveFunded, Milestone.Status);
    }

    /// <summary>
    /// Each reconciliation round that hears "unknown" is one check: the attempt gives up after
    /// <c>Funding:UnknownChecksBeforeGivingUp</c> rounds, and the rounds wait every step of the schedule in turn.
    /// </summary>
    [Fact]
    public async Task ReconcileAsync_WhenTheOutcomeStaysUnknown_CountsOneCheckPerRoundAndWaitsEachStepOfTheSchedule()
    {
        var options = new FundingOptions();
        var instruction = _wiring.BeginAttempt(Moments.Now);
        _wiring.Gateway.FundAsync(Arg.Any<FundingRequest>(), Arg.Any<CancellationToken>()).ThrowsAsync(new PaymentProviderException("500, replayed under the attempt's key"));
        await _wiring.CompleteAsync(instruction);
        Assert.Equal((0, _clock.GetUtcNow() + options.CheckDelay(0)), (Milestone.Funding.Checks, Milestone.NextFundingCheckAt));

        for (var round = 1; round < options.UnknownChecksBeforeGivingUp; round++)
        {
            _clock.SetUtcNow(Milestone.NextFundingCheckAt!.Value);
            var response = await _wiring.Process.ReconcileAsync(Milestone.Id, CancellationToken.None);

            Assert.Equal(FundingOutcome.Unknown, response?.Outcome);
            Assert.Equal((MilestoneStatus.Funding, round, _clock.GetUtcNow() + options.CheckDelay(round)), (Milestone.Status, Milestone.Funding.Checks, Milestone.NextFundingCheckAt));
        }

        _clock.SetUtcNow(Milestone.NextFundingCheckAt!.Value);
        await _wiring.Process.ReconcileAsync(Milestone.Id, CancellationToken.None);

        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
        Assert.Equal(options.UnknownChecksBeforeGivingUp, Milestone.Funding.Checks);
        Assert.Equal("payment_provider_unavailable", Milestone.Funding.LastError?.Code);
        await _wiring.Gateway.Received(options.UnknownChecksBeforeGivingUp + 1).FundAsync(Arg.Is<FundingRequest>(r => r.IdempotencyKey == instruction.Request.IdempotencyKey), CancellationToken.None);
    }

    [Fact]
    public async Task ThrowIfDeclined_WhenTheRecordedOutcomeIsDeclined_ThrowsPaymentDeclinedWithTheDeclineCode()
    {
        var instruction = _wiring.BeginAttempt(Moments.Now);
        _wiring.Gateway.FundAsync(Arg.Any<FundingRequest>(), Arg.Any<CancellationToken>())
            .Returns(new FundingResult(FundingOutcome.Declined, "pi_1", DeclineCode: "generic_decline", Message: "Your card was declined."));
        var response = await _wiring.CompleteAsync(instruction);

        var declined = Assert.Throws<PaymentDeclinedException>(() => FundingProcess.ThrowIfDeclined(response, instruction.ContractId.Value));

        Assert.Equal("generic_decline", declined.Code);
        Assert.Equal($"Your card was declined. Add another payment method (POST /api/v1/billing/payment-methods) and fund the milestone again (POST /api/v1/milestones/{Milestone.Id.Value}/fund).", declined.Message);
        Assert.Equal("generic_decline", declined.Details["declineCode"]);
        Assert.Equal(Milestone.Id.Value, declined.Details["milestoneId"]);
        Assert.Equal(instruction.ContractId.Value, declined.Details["contractId"]);
        Assert.Equal(Assert.Single(_wiring.AddedInvoices).Id.Value, declined.Details["invoiceId"]);
        Assert.Equal("not_funded", declined.Details["milestoneStatus"]);

        // The decline is written down before the 402 is answered.
        Assert.Equal(MilestoneStatus.NotFunded, Milestone.Status);
        Assert.Equal("generic_decline", Milestone.Funding.LastError?.Code);
    }

    [Fact]
    public void ThrowIfDeclined_WhenDeclinedWithoutACode_UsesCardDeclined()
    {
        var response = Response(FundingOutcome.Declined);

        var declined = Assert.Throws<PaymentDeclinedException>(() => FundingProcess.ThrowIfDeclined(response, Guid.NewGuid()));

        Assert.Equal("card_declined", declined.Code);
    }

    [Theory]
    [InlineData(FundingOutcome.Succeeded)]
    [InlineData(FundingOutcome.Processing)]
    [InlineData(FundingOutcome.RequiresAction)]
    [InlineData(FundingOutcome.Unknown)]
    public void ThrowIfDeclined_WhenNotDeclined_ReturnsTheResponse(FundingOutcome outcome)
    {
        var response = Response(outcome);

        Assert.Same(response, FundingProcess.ThrowIfDeclined(response, Guid.NewGuid()));
    }

    private FundingResponse Response(FundingOutcome outcome) =>
        new(Milestone.ToResponse(viewerIsEmployer: true, includeTimeline: false), outcome, null, null, null, null);
}
