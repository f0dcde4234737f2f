using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.FunctionalTests.Lifecycle;

public sealed class CancelMilestoneTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Cancel_WhenMilestoneIsNotFunded_CancelsItAndLeavesEscrowAlone()
    {
        var world = await _api.ContractWorldAsync();

        var cancelled = await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{world.UnfundedMilestoneId}/cancel", world.Employer), HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled.Str("status"));
        var stored = await factory.LoadMilestoneAsync(world.UnfundedMilestoneId);
        Assert.Equal(MilestoneStatus.Cancelled, stored.Status);
        Assert.Equal(factory.Clock.GetUtcNow(), stored.CancelledAt);
        var tab = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/contracts/{world.ContractId}", world.Employer), HttpStatusCode.OK);
        Assert.Equal(50_000, tab.Long("escrow.funded"));
    }

    [Fact]
    public async Task Cancel_WhenMilestoneIsFunded_Answers409AndKeepsTheMoneyHeld()
    {
        var world = await _api.ContractWorldAsync();
        var before = await factory.SnapshotAsync();

        var response = await _api.PostAsync($"/api/v1/milestones/{world.FundedMilestoneId}/cancel", world.Employer);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "milestone_not_cancellable");
        Assert.Equal("active_funded", problem.Str("milestoneStatus"));
        Assert.Equal(before, await factory.SnapshotAsync());
    }

    [Fact]
    public async Task Fund_WhenMilestoneWasCancelled_Answers409AndChargesNothing()
    {
        var world = await _api.ContractWorldAsync();
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{world.UnfundedMilestoneId}/cancel", world.Employer), HttpStatusCode.OK);
        var before = await factory.SnapshotAsync();

        var response = await _api.PostAsync($"/api/v1/milestones/{world.UnfundedMilestoneId}/fund", world.Employer);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "milestone_not_fundable");
        Assert.Equal("cancelled", problem.Str("milestoneStatus"));
        Assert.Equal(before, await factory.SnapshotAsync());
    }
}
