using System.Net;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Api.FunctionalTests.OpenApi;

namespace OpenTrain.Clean.Api.FunctionalTests.Browser;

/// <summary>
/// One newcomer's session in Swagger UI, in Chromium, against the live API (tests/browser/swagger-ui.mjs):
/// open /swagger, "Try it out" -> Execute on POST /dev/token with the shown example (twice), Authorize
/// with the first token, then Try it out -> Execute on GET /api/v1/me. The tests below read what it saw.
/// </summary>
public sealed class SwaggerUiSession : IAsyncLifetime
{
    public LiveApiHost Factory { get; } = new();

    public Task<SwaggerUiSeen> Seen { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Seen = BrowserRun.RunAsync<SwaggerUiSeen>("swagger-ui.mjs", Factory.ListeningAddress.ToString().TrimEnd('/'), BrowserRun.FailureDirectory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Seen;
        }
        catch (Exception e) when (e is Xunit.Sdk.XunitException or JsonException)
        {
            // Reported by every test that reads it.
        }

        await Factory.DisposeAsync();
    }
}

public sealed record SwaggerUiSeen(
    IReadOnlyList<string> ConsoleErrors,
    IReadOnlyList<string> PageErrors,
    IReadOnlyList<string> FailedRequests,
    int DocumentStatus,
    IReadOnlyList<string> Tags,
    int DevTokenLocks,
    int GetMeLocks,
    string DevTokenRequestBody,
    IReadOnlyList<SwaggerUiCall> DevTokenRuns,
    SwaggerUiCall Me)
    : BrowserObservations(ConsoleErrors, PageErrors, FailedRequests);

/// <summary>One Execute: the status the browser received, the status the page shows, the Authorization it sent and the body.</summary>
public sealed record SwaggerUiCall(int Status, string ShownStatus, string? Authorization, JsonElement Body);

public sealed class SwaggerUiBrowserTests(SwaggerUiSession session) : IClassFixture<SwaggerUiSession>
{
    [Fact]
    public async Task SwaggerUi_WhenOpenedInChromium_LoadsTheDocumentWithoutConsoleErrors()
    {
        var seen = await session.Seen;

        Assert.Equal((int)HttpStatusCode.OK, seen.DocumentStatus);
        Assert.True(seen.Problems.Length == 0, $"Swagger UI reported errors in the browser:\n{seen.Problems}");
    }

    [Fact]
    public async Task SwaggerUi_WhenOpened_ShowsTheDevelopmentGroupFirst()
    {
        var seen = await session.Seen;

        Assert.Equal("Development", seen.Tags[0]);
        Assert.Contains("Me", seen.Tags);
    }

    [Fact]
    public async Task DevToken_InSwaggerUi_ShowsNoLockWhileAuthenticatedOperationsDo()
    {
        var seen = await session.Seen;

        Assert.Equal(0, seen.DevTokenLocks);
        Assert.Equal(1, seen.GetMeLocks);
    }

    [Fact]
    public async Task DevTokenTryItOut_WhenExecutedTwiceWithTheShownExample_ReturnsTokensOfTwoDifferentNewUsers()
    {
        var seen = await session.Seen;

        using var example = JsonDocument.Parse(seen.DevTokenRequestBody);
        Assert.False(example.RootElement.TryGetProperty("userId", out _), $"the example names a user: {seen.DevTokenRequestBody}");
        Assert.Equal(2, seen.DevTokenRuns.Count);
        Assert.All(seen.DevTokenRuns, run =>
        {
            Assert.Equal((int)HttpStatusCode.OK, run.Status);
            Assert.Equal("200", run.ShownStatus);
            Assert.False(string.IsNullOrEmpty(run.Body.Str("accessToken")));
        });
        Assert.NotEqual(seen.DevTokenRuns[0].Body.Id("userId"), seen.DevTokenRuns[1].Body.Id("userId"));
    }

    [Fact]
    public async Task Authorize_WithTheTokenFromTryItOut_MakesGetMeAnswer200ForThatUser()
    {
        var seen = await session.Seen;
        var token = seen.DevTokenRuns[0].Body;

        Assert.Equal($"Bearer {token.Str("accessToken")}", seen.Me.Authorization);
        Assert.Equal((int)HttpStatusCode.OK, seen.Me.Status);
        Assert.Equal("200", seen.Me.ShownStatus);
        Assert.Equal(token.Id("userId"), seen.Me.Body.Id("id"));
        Assert.Equal(token.Str("role"), seen.Me.Body.Str("role"));
    }
}
