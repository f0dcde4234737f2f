using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Ownership;

/// <summary>Lists hold the caller's own things and none of another pair's.</summary>
public sealed class ListVisibilityTests(OwnershipFixture fixture) : IClassFixture<OwnershipFixture>
{
    [Theory]
    [InlineData("/api/v1/jobs", "employer")]
    [InlineData("/api/v1/jobs", "trainer")]
    [InlineData("/api/v1/contracts", "employer")]
    [InlineData("/api/v1/contracts", "trainer")]
    [InlineData("/api/v1/invoices", "employer")]
    public async Task List_WhenAnotherPairAsks_ReturnsTheirOwnAndNoneOfTheOwners(string path, string role)
    {
        var (owners, others) = (fixture.Owners, fixture.Others);

        var theirs = await ListIdsAsync(path, role == "employer" ? others.Employer : others.Trainer);
        var ours = await ListIdsAsync(path, role == "employer" ? owners.Employer : owners.Trainer);

        Assert.Contains(OwnId(path, others), theirs);
        Assert.DoesNotContain(OwnId(path, owners), theirs);
        Assert.Contains(OwnId(path, owners), ours);
        Assert.DoesNotContain(OwnId(path, others), ours);
    }

    [Theory]
    [InlineData("employer")]
    [InlineData("trainer")]
    public async Task ListContracts_WhenFilteredByAnotherPairsJob_ReturnsNothing(string role)
    {
        var intruder = role == "employer" ? fixture.Others.Employer : fixture.Others.Trainer;

        var contracts = await ListIdsAsync($"/api/v1/contracts?jobId={fixture.Owners.JobId}", intruder);

        Assert.Empty(contracts);
        Assert.Contains(fixture.Owners.ContractId, await ListIdsAsync($"/api/v1/contracts?jobId={fixture.Owners.JobId}", fixture.Owners.Employer));
    }

    [Fact]
    public async Task ListInvoices_WhenFilteredByAnotherPairsMilestone_ReturnsNothing()
    {
        var invoices = await ListIdsAsync($"/api/v1/invoices?milestoneId={fixture.Owners.FundedMilestoneId}", fixture.Others.Employer);

        Assert.Empty(invoices);
    }

    [Fact]
    public async Task ListInvoices_WhenTrainerAsks_ShowsNoEmployerFundingInvoice()
    {
        var invoices = await ListIdsAsync("/api/v1/invoices", fixture.Owners.Trainer);

        Assert.DoesNotContain(fixture.Owners.FundingInvoiceId, invoices);
        Assert.DoesNotContain(fixture.Others.FundingInvoiceId, invoices);
    }

    private static Guid OwnId(string path, ContractWorld world) => path switch
    {
        "/api/v1/jobs" => world.JobId,
        "/api/v1/contracts" => world.ContractId,
        _ => world.FundingInvoiceId,
    };

    private async Task<List<Guid>> ListIdsAsync(string path, Actor actor)
    {
        var page = await Expect.StatusAsync(await fixture.Api.GetAsync(path, actor), HttpStatusCode.OK);
        return [.. page.Items().Select(item => item.Id())];
    }
}
