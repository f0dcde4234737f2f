using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

public sealed class CreateJobValidationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Theory]
    [InlineData("{\"title\":\"\"}", "title")]
    [InlineData("{\"title\":\"   \"}", "title")]
    [InlineData("{\"title\":\"Labelling\\u0000\"}", "title")]
    [InlineData("{\"title\":\"Labelling\\u001b[2J\"}", "title")]
    [InlineData("{\"title\":\"RLHF\\nlabelling\"}", "title")]
    [InlineData("{\"title\":\"Labelling\",\"description\":\"Pairs\\u0007\"}", "description")]
    public async Task CreateJob_WhenTextIsInvalid_Answers400NamingTheMemberAndCreatesNothing(string body, string field)
    {
        var employer = await _api.EmployerAsync(paymentMethodId: null);
        var before = await factory.SnapshotAsync();

        var response = await _api.SendRawAsync(HttpMethod.Post, "/api/v1/jobs", employer, body);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", field);
        Assert.Equal(before, await factory.SnapshotAsync());
    }

    [Theory]
    [InlineData("title", 201)]
    [InlineData("title", 10_000)]
    [InlineData("description", 4_001)]
    [InlineData("description", 100_000)]
    public async Task CreateJob_WhenTextIsTooLong_Answers400NamingTheMemberAndCreatesNothing(string field, int length)
    {
        var employer = await _api.EmployerAsync(paymentMethodId: null);
        var before = await factory.SnapshotAsync();
        object body = field == "title" ? new { title = new string('t', length) } : new { title = "Labelling", description = new string('d', length) };

        var response = await _api.PostAsync("/api/v1/jobs", employer, body);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", field);
        Assert.Equal(before, await factory.SnapshotAsync());
    }

    [Fact]
    public async Task CreateJob_WhenTextIsAtItsLimits_CreatesTheJob()
    {
        var employer = await _api.EmployerAsync(paymentMethodId: null);
        var title = new string('t', 200);
        var description = "Line one\nLine two\t(tabbed)\r\n" + new string('d', 3_970);

        var response = await _api.PostAsync("/api/v1/jobs", employer, new { title, description });

        var job = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal($"/api/v1/jobs/{job.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal(title, job.Str("title"));
        Assert.Equal("open", job.Str("status"));
        var stored = await factory.LoadJobAsync(job.Id());
        Assert.Equal(employer.Id, stored.EmployerId.Value);
        Assert.Equal(title, stored.Title);
    }
}
