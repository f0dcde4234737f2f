using System.Net;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.FunctionalTests.Lifecycle;

/// <summary>Add, fund, submit, request changes, submit again, approve: the walkthrough of the README.</summary>
public sealed class MilestoneApprovalFlowTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task AddMilestone_WhenContractIsActive_CreatesItNotFunded()
    {
        var world = await _api.ContractWorldAsync();

        var response = await _api.PostAsync($"/api/v1/contracts/{world.ContractId}/milestones", world.Employer,
            new { title = "Batch 3", description = "Another 500 pairs", amount = 30_000, dueDate = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(14) });

        var milestone = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal($"/api/v1/milestones/{milestone.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal("not_funded", milestone.Str("status"));
        Assert.Equal(3, milestone.Get("sequence").GetInt32());
        Assert.Equal("Batch 3", milestone.Str("title"));
        Assert.Equal(0, milestone.Get("funding.attempts").GetInt32());
        var stored = await factory.LoadMilestoneAsync(milestone.Id());
        Assert.Equal(MilestoneStatus.NotFunded, stored.Status);
        Assert.Equal(30_000, stored.Amount.Amount);
        Assert.Equal(DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(14), stored.DueDate);
    }

    [Fact]
    public async Task Fund_WhenMilestoneIsNotFunded_HoldsItInEscrowAndAnswers200()
    {
        var world = await _api.ContractWorldAsync();

        var funding = await _api.FundedAsync(world.Employer, world.UnfundedMilestoneId);

        Assert.Equal("succeeded", funding.Str("outcome"));
        Assert.Equal("active_funded", funding.Str("milestone.status"));
        Assert.Equal(1, funding.Get("milestone.funding.attempts").GetInt32());
        var stored = await factory.LoadMilestoneAsync(world.UnfundedMilestoneId);
        Assert.Equal(MilestoneStatus.ActiveFunded, stored.Status);
        Assert.NotNull(stored.Funding.PaymentIntentId);
        Assert.NotNull(stored.Funding.ChargeId);
    }

    [Fact]
    public async Task Approve_AfterSubmitRequestChangesAndResubmit_LeavesPayoutPendingForTheWorker()
    {
        var world = await _api.ContractWorldAsync();
        var (employer, trainer, milestone) = (world.Employer, world.Trainer, world.UnfundedMilestoneId);
        await _api.FundedAsync(employer, milestone);

        var submitted = await Expect.StatusAsync(
            await _api.PostAsync($"/api/v1/milestones/{milestone}/submit", trainer, new { note = "Delivered in the shared bucket" }), HttpStatusCode.OK);
        Assert.Equal("pending_approval", submitted.Str("status"));
        Assert.Equal("Delivered in the shared bucket", submitted.Str("submission.note"));

        var sentBack = await Expect.StatusAsync(
            await _api.PostAsync($"/api/v1/milestones/{milestone}/request-changes", employer, new { reason = "Pairs 1,200-1,300 are duplicated" }), HttpStatusCode.OK);
        Assert.Equal("active_funded", sentBack.Str("status"));
        Assert.Equal("Pairs 1,200-1,300 are duplicated", sentBack.Str("changesRequestedReason"));
        Assert.Equal(MilestoneStatus.ActiveFunded, (await factory.LoadMilestoneAsync(milestone)).Status);

        var resubmitted = await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{milestone}/submit", trainer), HttpStatusCode.OK);
        Assert.Equal("pending_approval", resubmitted.Str("status"));
        Assert.True(resubmitted.IsNull("changesRequestedReason"));

        var outboxBefore = await CountOutboxAsync("MilestoneApproved");
        var approved = await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{milestone}/approve", employer), HttpStatusCode.OK);

        Assert.Equal("payout_pending", approved.Str("status"));
        Assert.Equal("pending", approved.Str("payout.status"));
        Assert.Equal("queued", approved.Str("payout.reason"));
        Assert.True(approved.IsNull("payout.transferId"));
        Assert.Equal(employer.Id, approved.Id("approval.approvedBy"));
        var stored = await factory.LoadMilestoneAsync(milestone);
        Assert.Equal(MilestoneStatus.PayoutPending, stored.Status);
        Assert.Equal(PayoutStatus.Pending, stored.Payout.Status);
        Assert.Equal(employer.Id, stored.Review.ApprovedBy?.Value);
        Assert.Equal(factory.Clock.GetUtcNow(), stored.Review.ApprovedAt);
        Assert.Equal(outboxBefore + 1, await CountOutboxAsync("MilestoneApproved"));
    }

    [Fact]
    public async Task Submit_WhenTrainerSubmits_IsVisibleToTheEmployer()
    {
        var world = await _api.ContractWorldAsync();

        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{world.FundedMilestoneId}/submit", world.Trainer, new { note = "Done" }), HttpStatusCode.OK);

        var seen = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/milestones/{world.FundedMilestoneId}", world.Employer), HttpStatusCode.OK);
        Assert.Equal("pending_approval", seen.Str("status"));
        Assert.Equal("Done", seen.Str("submission.note"));
        Assert.Equal(factory.Clock.GetUtcNow(), seen.Get("submission.submittedAt").GetDateTimeOffset());
    }

    private Task<int> CountOutboxAsync(string type) => factory.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Type == type));
}
