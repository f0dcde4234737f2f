using System.Text.Json;

namespace OpenTrain.Clean.Api.FunctionalTests.OpenApi;

/// <summary>The live document linted by the tools integrators use, with the rule sets at the repository root.</summary>
[Collection(LiveApiCollection.Name)]
public sealed class OpenApiLintTests(LiveApiFixture api)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task RedoclyLint_WhenRunOnTheLiveDocument_ReportsNoErrorsAndNoWarnings()
    {
        var cli = NodeTools.Package("@redocly/cli/bin/cli.js");
        var config = Path.Combine(NodeTools.RepositoryRoot, "redocly.yaml");

        var (exitCode, output) = await NodeTools.NodeAsync([cli, "lint", api.DocumentFile, "--config", config, "--format=json"], Timeout);

        var report = ParseFrom(output, '{');
        var totals = report.GetProperty("totals");
        Assert.True(
            totals.GetProperty("errors").GetInt32() == 0 && totals.GetProperty("warnings").GetInt32() == 0 && exitCode == 0,
            $"Redocly (recommended) found problems in the live document:\n{output}");
    }

    [Fact]
    public async Task SpectralLint_WhenRunOnTheLiveDocument_ReportsNoErrorsAndNoWarnings()
    {
        var cli = NodeTools.Package("@stoplight/spectral-cli/dist/index.js");
        var ruleset = Path.Combine(NodeTools.RepositoryRoot, ".spectral.yaml");

        var (exitCode, output) = await NodeTools.NodeAsync([cli, "lint", api.DocumentFile, "--ruleset", ruleset, "--format", "json", "--fail-severity", "warn"], Timeout);

        // Severity 0 is an error and 1 a warning; information and hints are allowed.
        var problems = ParseFrom(output, '[').EnumerateArray().Where(p => p.GetProperty("severity").GetInt32() <= 1).ToList();
        Assert.True(problems.Count == 0 && exitCode == 0, $"Spectral (spectral:oas) found problems in the live document:\n{output}");
    }

    /// <summary>The tools print notices around their JSON report; the report starts at its first bracket.</summary>
    private static JsonElement ParseFrom(string output, char open)
    {
        var start = output.IndexOf(open, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no JSON report in the output:\n{output}");
        var end = output.LastIndexOf(open == '{' ? '}' : ']');
        using var document = JsonDocument.Parse(output[start..(end + 1)]);
        return document.RootElement.Clone();
    }
}
