using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Performance;

/// <summary>Single-resource reads carry an ETag and answer a matching If-None-Match with 304 and no body.</summary>
public sealed class ConditionalGetTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    public static TheoryData<string> Resources() => ["milestone", "invoice", "contract", "job"];

    [Theory]
    [MemberData(nameof(Resources))]
    public async Task Get_WhenIfNoneMatchIsTheCurrentETag_Answers304WithoutBody(string resource)
    {
        var path = PathOf(resource);
        var first = await fixture.Api.GetAsync(path, fixture.World.Employer);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);

        var again = await GetWithAsync(path, fixture.World.Employer, etag.Tag);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(etag, again.Headers.ETag);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_WhenIfNoneMatchIsAnotherTag_Answers200WithTheBody()
    {
        var path = PathOf("milestone");

        var response = await GetWithAsync(path, fixture.World.Employer, "\"0123456789abcdef\", W/\"other\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(fixture.World.FundedMilestoneId, body.RootElement.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Get_AfterTheMilestoneChanged_Answers200WithANewETagForTheOldTag()
    {
        var employer = fixture.World.Employer;
        var milestone = await fixture.Api.AddMilestoneAsync(employer, fixture.World.ContractId);
        var path = $"/api/v1/milestones/{milestone}";
        var before = (await fixture.Api.GetAsync(path, employer)).Headers.ETag!;

        var update = await fixture.Api.PatchAsync(path, employer, new { title = "Renamed deliverable" });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var after = await GetWithAsync(path, employer, before.Tag);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(before, after.Headers.ETag);
        Assert.Contains("Renamed deliverable", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WhenAnotherCallerSendsTheETag_StillAnswers404()
    {
        var path = PathOf("milestone");
        var etag = (await fixture.Api.GetAsync(path, fixture.World.Employer)).Headers.ETag!;
        var stranger = await fixture.Api.EmployerAsync();

        var response = await GetWithAsync(path, stranger, etag.Tag);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(response.Headers.ETag);
    }

    private string PathOf(string resource) => resource switch
    {
        "milestone" => $"/api/v1/milestones/{fixture.World.FundedMilestoneId}",
        "invoice" => $"/api/v1/invoices/{fixture.World.FundingInvoiceId}",
        "contract" => $"/api/v1/contracts/{fixture.World.ContractId}",
        "job" => $"/api/v1/jobs/{fixture.World.JobId}",
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
    };

    private Task<HttpResponseMessage> GetWithAsync(string path, Actor actor, string ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return fixture.Api.SendAsync(request, actor);
    }
}
