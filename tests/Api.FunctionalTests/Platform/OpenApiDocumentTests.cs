using System.Net;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Platform;

public sealed class OpenApiDocumentTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task OpenApiDocument_WhenRequested_DeclaresTheBearerSchemeForEveryOperation()
    {
        var document = await GetDocumentAsync();

        var scheme = document.Get("components.securitySchemes.Bearer");
        Assert.Equal("http", scheme.Str("type"));
        Assert.Equal("bearer", scheme.Str("scheme"));
        Assert.Equal("JWT", scheme.Str("bearerFormat"));
        Assert.Contains(document.Get("security").EnumerateArray(), requirement => requirement.TryGetProperty("Bearer", out _));
    }

    [Theory]
    [InlineData("/api/v1/contracts/{contractId}/milestones", "get")]
    [InlineData("/api/v1/contracts/{contractId}/milestones", "post")]
    [InlineData("/api/v1/milestones/{milestoneId}", "get")]
    [InlineData("/api/v1/milestones/{milestoneId}", "patch")]
    [InlineData("/api/v1/milestones/{milestoneId}/fund", "post")]
    [InlineData("/api/v1/milestones/{milestoneId}/submit", "post")]
    [InlineData("/api/v1/milestones/{milestoneId}/request-changes", "post")]
    [InlineData("/api/v1/milestones/{milestoneId}/approve", "post")]
    [InlineData("/api/v1/milestones/{milestoneId}/cancel", "post")]
    [InlineData("/api/v1/jobs/{jobId}/contracts", "post")]
    public async Task OpenApiDocument_WhenRequested_DescribesTheMilestoneRoutes(string path, string method)
    {
        var document = await GetDocumentAsync();

        Assert.True(document.Get("paths").TryGetProperty(path, out var item), $"{path} is not in the document");
        Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is not in the document");
        Assert.NotEqual(JsonValueKind.Undefined, operation.Get("responses").ValueKind);
    }

    [Fact]
    public async Task OpenApiDocument_WhenRequested_DocumentsFundingOutcomesAndProblems()
    {
        var document = await GetDocumentAsync();

        var responses = document.Get("paths").GetProperty("/api/v1/milestones/{milestoneId}/fund").Get("post.responses");
        Assert.Equal(["200", "202", "402", "404", "409"], responses.EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.True(responses.Get("402.content").TryGetProperty(Expect.ProblemJson, out _));
    }

    [Fact]
    public async Task OpenApiDocument_WhenRequestedWithoutToken_IsServed()
    {
        var document = await _api.SendWithAuthorizationAsync(HttpMethod.Get, "/swagger/v1/swagger.json", authorization: null);
        var ui = await _api.SendWithAuthorizationAsync(HttpMethod.Get, "/swagger/index.html", authorization: null);

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    private async Task<JsonElement> GetDocumentAsync()
    {
        var employer = await _api.TokenAsync("employer");
        return await Expect.StatusAsync(await _api.GetAsync("/swagger/v1/swagger.json", employer), HttpStatusCode.OK);
    }
}
