using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

public sealed class RouteShapeTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    [Theory]
    [InlineData("GET", "/api/v1/jobs/123")]
    [InlineData("GET", "/api/v1/jobs/not-a-uuid")]
    [InlineData("POST", "/api/v1/jobs/123/archive")]
    [InlineData("POST", "/api/v1/jobs/abc/contracts")]
    [InlineData("GET", "/api/v1/contracts/1")]
    [InlineData("GET", "/api/v1/contracts/{contract}x/payments")]
    [InlineData("POST", "/api/v1/contracts/{contract}-1/milestones")]
    [InlineData("GET", "/api/v1/milestones/123")]
    [InlineData("POST", "/api/v1/milestones/zzz/fund")]
    [InlineData("POST", "/api/v1/milestones/%27%3B%20DROP%20TABLE%20Milestones%3B--/approve")]
    [InlineData("PATCH", "/api/v1/milestones/..%2F..%2Fjobs")]
    [InlineData("GET", "/api/v1/invoices/INV-2026-000001")]
    [InlineData("GET", "/api/v1/milestones/{funded}/timeline")]
    [InlineData("GET", "/api/v2/jobs")]
    public async Task Request_WhenIdHasTheWrongShape_Answers404ProblemAndWritesNothing(string method, string path)
    {
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendAsync(RouteTemplate.Method(method), RouteTemplate.Fill(path, fixture.World), fixture.World.Employer, method == "GET" ? null : new { });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Theory]
    [InlineData("GET", "/api/v1/jobs/{id}")]
    [InlineData("POST", "/api/v1/jobs/{id}/archive")]
    [InlineData("GET", "/api/v1/contracts/{id}")]
    [InlineData("GET", "/api/v1/contracts/{id}/payments")]
    [InlineData("GET", "/api/v1/contracts/{id}/milestones")]
    [InlineData("GET", "/api/v1/milestones/{id}")]
    [InlineData("POST", "/api/v1/milestones/{id}/fund")]
    [InlineData("POST", "/api/v1/milestones/{id}/approve")]
    [InlineData("POST", "/api/v1/milestones/{id}/cancel")]
    [InlineData("GET", "/api/v1/invoices/{id}")]
    public async Task Request_WhenIdIsWellFormedButUnknown_Answers404ProblemAndWritesNothing(string method, string path)
    {
        var before = await fixture.Factory.SnapshotAsync();

        foreach (var id in new[] { Guid.CreateVersion7(), Guid.Empty })
        {
            var response = await fixture.Api.SendAsync(RouteTemplate.Method(method), path.Replace("{id}", id.ToString(), StringComparison.Ordinal), fixture.World.Employer);

            await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Fact]
    public async Task Request_WhenMethodIsNotMapped_Answers405Problem()
    {
        var response = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/v1/milestones/{fixture.World.UnfundedMilestoneId}", fixture.World.Employer);

        await Expect.ProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Equal(Domain.Milestones.MilestoneStatus.NotFunded, (await fixture.Factory.LoadMilestoneAsync(fixture.World.UnfundedMilestoneId)).Status);
    }
}
