using System.Net;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

/// <summary>Moves the milestone state machine refuses: 409 with the code and the current status.</summary>
public sealed class StateConflictTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Patch_WhenMilestoneIsFunded_Answers409NotEditableAndChangesNothing()
    {
        var world = await _api.ContractWorldAsync();
        var before = await factory.SnapshotAsync();

        var response = await _api.PatchAsync($"/api/v1/milestones/{world.FundedMilestoneId}", world.Employer, new { amount = 1_000_000, title = "Bigger" });

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "milestone_not_editable");
        Assert.Equal("active_funded", problem.Str("milestoneStatus"));
        Assert.Equal(world.FundedMilestoneId, problem.Id("milestoneId"));
        Assert.Equal(before, await factory.SnapshotAsync());
        Assert.Equal(50_000, (await factory.LoadMilestoneAsync(world.FundedMilestoneId)).Amount.Amount);
    }

    [Fact]
    public async Task Patch_WhenMilestoneIsNotFunded_ChangesItAndRecomputesTheFees()
    {
        var world = await _api.ContractWorldAsync();

        var response = await _api.PatchAsync($"/api/v1/milestones/{world.UnfundedMilestoneId}", world.Employer, new { amount = 80_000, title = "Batch 2 (smaller)" });

        var milestone = await Expect.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(8_000, milestone.Long("fees.marketplaceFee"));
        Assert.Equal(88_000, milestone.Long("fees.employerTotal"));
        var stored = await factory.LoadMilestoneAsync(world.UnfundedMilestoneId);
        Assert.Equal(80_000, stored.Amount.Amount);
        Assert.Equal("Batch 2 (smaller)", stored.Title);
        Assert.Equal("Next 2,000 preference pairs", stored.Description);
    }

    [Fact]
    public async Task Approve_WhenAlreadyApproved_Answers409NotApprovableAndChangesNothing()
    {
        var world = await _api.ContractWorldAsync();
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{world.FundedMilestoneId}/approve", world.Employer), HttpStatusCode.OK);
        var before = await factory.SnapshotAsync();

        var response = await _api.PostAsync($"/api/v1/milestones/{world.FundedMilestoneId}/approve", world.Employer);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "milestone_not_approvable");
        Assert.Equal("payout_pending", problem.Str("milestoneStatus"));
        Assert.Equal(before, await factory.SnapshotAsync());
    }

    [Fact]
    public async Task Approve_WhenTwoApprovalsRace_ApprovesOnceAndAnswersTheOther409()
    {
        var world = await _api.ContractWorldAsync();
        var approvedBefore = await factory.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Type == "MilestoneApproved"));

        var responses = await Task.WhenAll(
            _api.PostAsync($"/api/v1/milestones/{world.FundedMilestoneId}/approve", world.Employer),
            _api.PostAsync($"/api/v1/milestones/{world.FundedMilestoneId}/approve", world.Employer));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(responses, r => r.StatusCode != HttpStatusCode.OK);
        var problem = await Expect.StatusAsync(loser, HttpStatusCode.Conflict);
        Assert.Contains(problem.Str("code"), new[] { "milestone_not_approvable", "concurrency_conflict" });
        Assert.Equal(approvedBefore + 1, await factory.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Type == "MilestoneApproved")));
        Assert.Equal(MilestoneStatus.PayoutPending, (await factory.LoadMilestoneAsync(world.FundedMilestoneId)).Status);
    }

    [Theory]
    [InlineData("approve", "{unfunded}", "employer", "milestone_not_approvable", "not_funded")]
    [InlineData("submit", "{unfunded}", "trainer", "milestone_not_submittable", "not_funded")]
    [InlineData("request-changes", "{funded}", "employer", "milestone_not_awaiting_approval", "active_funded")]
    public async Task Action_WhenMilestoneIsInTheWrongState_Answers409WithItsStatusAndChangesNothing(string action, string milestone, string actor, string code, string status)
    {
        var world = await _api.ContractWorldAsync();
        var before = await factory.SnapshotAsync();

        var response = await _api.PostAsync(
            $"/api/v1/milestones/{RouteTemplate.Fill(milestone, world)}/{action}",
            actor == "trainer" ? world.Trainer : world.Employer,
            action == "request-changes" ? new { reason = "Redo it" } : null);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, code);
        Assert.Equal(status, problem.Str("milestoneStatus"));
        Assert.Equal(before, await factory.SnapshotAsync());
    }

    [Fact]
    public async Task Submit_WhenAlreadyPendingApproval_Answers409AndKeepsTheFirstNote()
    {
        var world = await _api.ContractWorldAsync();
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{world.FundedMilestoneId}/submit", world.Trainer, new { note = "First" }), HttpStatusCode.OK);
        var before = await factory.SnapshotAsync();

        var response = await _api.PostAsync($"/api/v1/milestones/{world.FundedMilestoneId}/submit", world.Trainer, new { note = "Second" });

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "milestone_not_submittable");
        Assert.Equal(before, await factory.SnapshotAsync());
        Assert.Equal("First", (await factory.LoadMilestoneAsync(world.FundedMilestoneId)).Review.SubmissionNote);
    }
}
