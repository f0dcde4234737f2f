using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.OpenApi;

/// <summary>
/// The API as a newcomer runs it (Development, SQLite, the offline simulator, the background jobs on
/// their timers), listening on a loopback port so that processes outside the test (the linters, the
/// generated TypeScript client) reach it over HTTP.
/// </summary>
public sealed class LiveApiHost() : ApiFactory(new ApiHostOptions
{
    ListensOnPort = true,
    InProcessJobs = true,
    SystemClock = true,
    Settings = new Dictionary<string, string?> { ["Worker:PayoutInterval"] = "00:00:01" },
});

/// <summary>One live API for the contract tests, and its OpenAPI document as served (also saved to a file for the tools).</summary>
public sealed class LiveApiFixture : IAsyncLifetime
{
    public LiveApiHost Factory { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public string DocumentFile { get; } = Path.Combine(Path.GetTempPath(), $"opentrain-openapi-{Guid.NewGuid():N}.json");

    public JsonElement Document { get; private set; }

    public async Task InitializeAsync()
    {
        BaseAddress = Factory.ListeningAddress;
        using var http = new HttpClient { BaseAddress = BaseAddress };
        var text = await http.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative));
        await File.WriteAllTextAsync(DocumentFile, text);
        using var document = JsonDocument.Parse(text);
        Document = document.RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        File.Delete(DocumentFile);
        await Factory.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LiveApiCollection : ICollectionFixture<LiveApiFixture>
{
    public const string Name = "Live API";
}
