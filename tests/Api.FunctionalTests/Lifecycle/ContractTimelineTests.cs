using System.Net;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Lifecycle;

/// <summary>The Contract tab and the payment history after a milestone went through the whole flow.</summary>
public sealed class ContractTimelineTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task GetContract_AfterApproval_ShowsEveryTransitionOfTheMilestoneInOrder()
    {
        var (world, cancelled) = await WalkthroughAsync();

        var tab = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/contracts/{world.ContractId}", world.Employer), HttpStatusCode.OK);

        Assert.Equal("RLHF preference labelling", tab.Str("jobTitle"));
        Assert.Equal("active", tab.Str("contract.status"));
        var milestones = tab.Items("milestones");
        Assert.Equal([1, 2, 3], milestones.Select(m => m.Get("sequence").GetInt32()));
        Assert.Equal([world.FundedMilestoneId, world.UnfundedMilestoneId, cancelled], milestones.Select(m => m.Id()));
        Assert.Equal(["active_funded", "payout_pending", "cancelled"], milestones.Select(m => m.Str("status")));
        var timeline = milestones[1].Items("timeline");
        Assert.Equal(
            [
                ("created", null, "not_funded", world.Employer.Id),
                ("funding_started", "not_funded", "funding", world.Employer.Id),
                ("funded", "funding", "active_funded", (Guid?)null),
                ("submitted", "active_funded", "pending_approval", world.Trainer.Id),
                ("changes_requested", "pending_approval", "active_funded", world.Employer.Id),
                ("submitted", "active_funded", "pending_approval", world.Trainer.Id),
                ("approved", "pending_approval", "payout_pending", world.Employer.Id),
            ],
            timeline.Select(Step));
        Assert.Equal("Fix the duplicates", timeline[4].Str("note"));
        Assert.All(timeline, t => Assert.Equal(factory.Clock.GetUtcNow(), t.Get("at").GetDateTimeOffset()));
        Assert.Equal(["created", "cancelled"], milestones[2].Items("timeline").Select(t => t.Str("action")));
    }

    [Fact]
    public async Task GetContract_WhenMoneyIsHeld_SummarisesEscrowWithoutFeesOrCancelledMilestones()
    {
        var (world, _) = await WalkthroughAsync();

        var tab = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/contracts/{world.ContractId}", world.Employer), HttpStatusCode.OK);

        var escrow = tab.Get("escrow");
        Assert.Equal("USD", escrow.Str("currency"));
        Assert.Equal(170_000, escrow.Long("funded"));
        Assert.Equal(170_000, escrow.Long("inEscrow"));
        Assert.Equal(0, escrow.Long("released"));
        Assert.Equal(0, escrow.Long("refunded"));
    }

    [Fact]
    public async Task GetContract_WhenTrainerAsks_ShowsTheSameTimeline()
    {
        var (world, _) = await WalkthroughAsync();

        var tab = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/contracts/{world.ContractId}", world.Trainer), HttpStatusCode.OK);

        Assert.Equal(["active_funded", "payout_pending", "cancelled"], tab.Items("milestones").Select(m => m.Str("status")));
        Assert.Equal(7, tab.Items("milestones")[1].Items("timeline").Count);
    }

    [Fact]
    public async Task GetPaymentHistory_AfterApproval_ListsOnlyTheApprovedMilestoneWithItsFundingInvoice()
    {
        var (world, _) = await WalkthroughAsync();

        var history = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/contracts/{world.ContractId}/payments", world.Employer), HttpStatusCode.OK);

        Assert.Equal(world.ContractId, history.Id("contractId"));
        var payment = Assert.Single(history.Items("payments"));
        Assert.Equal(world.UnfundedMilestoneId, payment.Id("milestoneId"));
        Assert.Equal(120_000, payment.Long("amount"));
        Assert.Equal("payout_pending", payment.Str("status"));
        Assert.Equal("pending", payment.Str("payoutStatus"));
        Assert.Equal(factory.Clock.GetUtcNow(), payment.Get("approvedAt").GetDateTimeOffset());
        Assert.True(payment.IsNull("paidAt"));
        Assert.True(payment.IsNull("payoutInvoiceId"));
        var invoices = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/invoices?milestoneId={world.UnfundedMilestoneId}", world.Employer), HttpStatusCode.OK);
        Assert.Equal(Assert.Single(invoices.Items()).Id(), payment.Id("fundingInvoiceId"));
        Assert.Equal(170_000, history.Long("totals.inEscrow"));
    }

    /// <summary>Milestone 2 funded, submitted, sent back, resubmitted and approved; milestone 3 added and cancelled.</summary>
    private async Task<(ContractWorld World, Guid Cancelled)> WalkthroughAsync()
    {
        var world = await _api.ContractWorldAsync();
        var milestone = world.UnfundedMilestoneId;
        await _api.FundedAsync(world.Employer, milestone);
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{milestone}/submit", world.Trainer, new { note = "Delivered" }), HttpStatusCode.OK);
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{milestone}/request-changes", world.Employer, new { reason = "Fix the duplicates" }), HttpStatusCode.OK);
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{milestone}/submit", world.Trainer), HttpStatusCode.OK);
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{milestone}/approve", world.Employer), HttpStatusCode.OK);
        var cancelled = await _api.AddMilestoneAsync(world.Employer, world.ContractId, amount: 9_000, title: "Batch 3");
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{cancelled}/cancel", world.Employer), HttpStatusCode.OK);
        return (world, cancelled);
    }

    private static (string?, string?, string?, Guid?) Step(JsonElement entry) =>
        (entry.Str("action"), entry.Str("from"), entry.Str("to"), entry.IsNull("actorId") ? null : entry.Id("actorId"));
}
