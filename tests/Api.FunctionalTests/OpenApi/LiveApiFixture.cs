using System.Text.Json;

namespace OpenTrain.Clean.Api.FunctionalTests.OpenApi;

/// <summary>One live API for the contract tests, and its OpenAPI document as served (also saved to a file for the tools).</summary>
public sealed class LiveApiFixture : IAsyncLifetime
{
    public LiveApiFactory Factory { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public string DocumentFile { get; } = Path.Combine(Path.GetTempPath(), $"opentrain-openapi-{Guid.NewGuid():N}.json");

    public JsonElement Document { get; private set; }

    public async Task InitializeAsync()
    {
        BaseAddress = Factory.BaseAddress;
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
