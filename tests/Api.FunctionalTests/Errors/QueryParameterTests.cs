using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

public sealed class QueryParameterTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    [Theory]
    [InlineData("/api/v1/jobs?status=bogus", "status")]
    [InlineData("/api/v1/jobs?status=Open", "status")]
    [InlineData("/api/v1/contracts?status=bogus", "status")]
    [InlineData("/api/v1/contracts/{contract}/milestones?status=bogus", "status")]
    [InlineData("/api/v1/contracts/{contract}/milestones?status=ActiveFunded", "status")]
    [InlineData("/api/v1/contracts/{contract}/milestones?status=2", "status")]
    [InlineData("/api/v1/invoices?kind=bogus", "kind")]
    [InlineData("/api/v1/invoices?paymentStatus=bogus", "paymentStatus")]
    [InlineData("/api/v1/jobs?limit=0", "limit")]
    [InlineData("/api/v1/jobs?limit=101", "limit")]
    [InlineData("/api/v1/contracts?limit=-1", "limit")]
    [InlineData("/api/v1/invoices?limit=2147483647", "limit")]
    [InlineData("/api/v1/contracts/{contract}/milestones?limit=1000", "limit")]
    public async Task List_WhenQueryValueIsOutOfRange_Answers400NamingTheParameter(string path, string field)
    {
        var response = await fixture.Api.GetAsync(RouteTemplate.Fill(path, fixture.World), fixture.World.Employer);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", field);
    }

    [Theory]
    [InlineData("/api/v1/jobs?limit=abc")]
    [InlineData("/api/v1/jobs?limit=99999999999")]
    [InlineData("/api/v1/jobs?startingAfter=xyz")]
    [InlineData("/api/v1/contracts?jobId=42")]
    [InlineData("/api/v1/invoices?milestoneId=INV-2026-000001")]
    public async Task List_WhenQueryValueHasTheWrongType_Answers400Malformed(string path)
    {
        var response = await fixture.Api.GetAsync(path, fixture.World.Employer);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request");
    }

    [Theory]
    [InlineData("active_funded", "{funded}")]
    [InlineData("not_funded", "{unfunded}")]
    public async Task ListMilestones_WhenFilteredBySnakeCaseStatus_ReturnsOnlyThatStatus(string status, string expected)
    {
        var response = await fixture.Api.GetAsync($"/api/v1/contracts/{fixture.World.ContractId}/milestones?status={status}", fixture.World.Employer);

        var page = await Expect.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(RouteTemplate.Fill(expected, fixture.World), Assert.Single(page.Items()).Str("id"));
    }

    [Fact]
    public async Task ListMilestones_WhenLimitIsOne_PagesWithTheLastIdAsCursor()
    {
        var path = $"/api/v1/contracts/{fixture.World.ContractId}/milestones?limit=1";

        var first = await Expect.StatusAsync(await fixture.Api.GetAsync(path, fixture.World.Employer), HttpStatusCode.OK);
        var second = await Expect.StatusAsync(await fixture.Api.GetAsync($"{path}&startingAfter={first.Str("nextCursor")}", fixture.World.Employer), HttpStatusCode.OK);

        Assert.True(first.Get("hasMore").GetBoolean());
        Assert.Equal(fixture.World.FundedMilestoneId, Assert.Single(first.Items()).Id());
        Assert.Equal(fixture.World.UnfundedMilestoneId, Assert.Single(second.Items()).Id());
        Assert.False(second.Get("hasMore").GetBoolean());
    }
}
