using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Funding;

public sealed class RepeatedFundingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Fund_WhenAlreadyFunded_Answers409AndChargesNothing()
    {
        var world = await _api.ContractWorldAsync();
        await _api.FundedAsync(world.Employer, world.UnfundedMilestoneId);
        var before = await factory.SnapshotAsync();
        var intents = factory.Simulator.PaymentIntents().Count;

        var response = await _api.PostAsync($"/api/v1/milestones/{world.UnfundedMilestoneId}/fund", world.Employer);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "milestone_not_fundable");
        Assert.Equal("active_funded", problem.Str("milestoneStatus"));
        Assert.Equal(world.UnfundedMilestoneId, problem.Id("milestoneId"));
        Assert.Equal(before, await factory.SnapshotAsync());
        Assert.Equal(intents, factory.Simulator.PaymentIntents().Count);
    }

    [Fact]
    public async Task Fund_WhenFirstMilestoneWasFundedAtHire_Answers409()
    {
        var world = await _api.ContractWorldAsync();
        var before = await factory.SnapshotAsync();

        var response = await _api.PostAsync($"/api/v1/milestones/{world.FundedMilestoneId}/fund", world.Employer);

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "milestone_not_fundable");
        Assert.Equal(before, await factory.SnapshotAsync());
    }

    [Fact]
    public async Task Fund_WhenFundedOnce_ChargesTheProviderExactlyOnceForTheEmployerTotal()
    {
        var world = await _api.ContractWorldAsync();

        await _api.FundedAsync(world.Employer, world.UnfundedMilestoneId);

        var intent = Assert.Single(factory.Simulator.PaymentIntents(), pi => pi.TransferGroup == world.UnfundedMilestoneId.ToString());
        Assert.Equal(132_000, intent.Amount);
        Assert.Equal("succeeded", intent.Status);
        Assert.Equal(world.ContractId.ToString(), intent.Metadata["contract_id"]);
    }
}
