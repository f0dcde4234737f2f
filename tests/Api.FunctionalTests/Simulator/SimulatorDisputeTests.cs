using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Simulator;

/// <summary>
/// A dispute played offline in Stripe's test words: <c>pm_card_createDispute</c> funds and is disputed at once;
/// evidence <c>winning_evidence</c> / <c>losing_evidence</c> closes it. The events reach the same handling as Stripe's.
/// </summary>
public sealed class SimulatorDisputeTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly SimulatorWalk _walk = new(factory);

    [Fact]
    public async Task Dispute_WhenWonAfterApproval_HoldsThePayoutThenReleasesIt()
    {
        var (trainer, _) = await _walk.PayoutReadyTrainerAsync();
        var employer = await _walk.EmployerAsync("pm_card_createDispute");
        var hire = await _walk.HireAsync(employer, trainer);
        await _walk.RunJobsAsync();
        Assert.True((await _walk.MilestoneAsync(employer, hire.MilestoneId)).Get("disputed").GetBoolean());

        await _walk.SubmitAndApproveAsync(employer, trainer, hire.MilestoneId);
        await _walk.RunJobsAsync();
        var held = await _walk.MilestoneAsync(employer, hire.MilestoneId);
        Assert.Equal("payout_pending", held.Str("status"));
        Assert.Equal("disputed", held.Str("payout.reason"));
        var admin = await _walk.SignInAsync("admin", "Sam Support");
        var waiting = (await _walk.Api.GetAsync("/api/v1/ops/payouts?reason=disputed", admin)).StatusCode;
        Assert.Equal(HttpStatusCode.OK, waiting);

        var dispute = Assert.Single(_walk.Simulator.Disputes(), d => d.PaymentIntentId == hire.Body.Str("funding.milestone.funding.paymentIntentId"));
        await _walk.PostSimulatorAsync($"/simulator/disputes/{dispute.Id}/evidence?evidence=winning_evidence");
        await _walk.RunJobsAsync();

        var paid = await _walk.MilestoneAsync(employer, hire.MilestoneId);
        Assert.Equal("paid", paid.Str("status"));
        Assert.False(paid.Get("disputed").GetBoolean());
        Assert.Contains(await _walk.NotificationsAsync(employer), n => n.Str("kind") == "dispute_opened");
        Assert.Contains(await _walk.NotificationsAsync(trainer), n => n.Str("kind") == "dispute_closed");
    }

    [Fact]
    public async Task Dispute_WhenLostBeforeApproval_RefundsTheMilestoneAndNothingIsPaidOut()
    {
        var (trainer, _) = await _walk.PayoutReadyTrainerAsync();
        var employer = await _walk.EmployerAsync("pm_card_createDispute");
        var hire = await _walk.HireAsync(employer, trainer);
        await _walk.RunJobsAsync();
        var dispute = Assert.Single(_walk.Simulator.Disputes(), d => d.PaymentIntentId == hire.Body.Str("funding.milestone.funding.paymentIntentId"));

        await _walk.PostSimulatorAsync($"/simulator/disputes/{dispute.Id}/evidence?evidence=losing_evidence");
        await _walk.RunJobsAsync();

        Assert.Equal("refunded", (await _walk.MilestoneAsync(employer, hire.MilestoneId)).Str("status"));
        Assert.DoesNotContain(_walk.Simulator.Transfers(), t => t.TransferGroup == hire.MilestoneId.ToString());
        Assert.Contains(await _walk.NotificationsAsync(employer), n => n.Str("kind") == "dispute_closed");
    }
}
