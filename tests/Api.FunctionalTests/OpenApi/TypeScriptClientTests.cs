namespace OpenTrain.Clean.Api.FunctionalTests.OpenApi;

/// <summary>
/// The client an integrator would generate: types from the live document with openapi-typescript 7,
/// the committed copy in clients/typescript kept current, and a lifecycle written with openapi-fetch,
/// compiled with <c>tsc --strict</c> and run against the real API.
/// </summary>
[Collection(LiveApiCollection.Name)]
public sealed class TypeScriptClientTests(LiveApiFixture api)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task GeneratedTypes_WhenRegeneratedFromTheLiveDocument_MatchTheCommittedClient()
    {
        var cli = NodeTools.Package("openapi-typescript/bin/cli.js");
        var generated = Path.Combine(Path.GetTempPath(), $"opentrain-schema-{Guid.NewGuid():N}.d.ts");
        try
        {
            var (exitCode, output) = await NodeTools.NodeAsync([cli, api.DocumentFile, "--output", generated], Timeout);
            Assert.True(exitCode == 0, $"openapi-typescript failed:\n{output}");

            var committed = Lines(await File.ReadAllTextAsync(Path.Combine(NodeTools.ClientDirectory, "src", "schema.d.ts")));
            var fresh = Lines(await File.ReadAllTextAsync(generated));
            var first = Enumerable.Range(0, Math.Max(committed.Length, fresh.Length))
                .FirstOrDefault(i => i >= committed.Length || i >= fresh.Length || committed[i] != fresh[i], -1);
            Assert.True(
                first < 0,
                $"""
                clients/typescript/src/schema.d.ts is stale: regenerate it (start the API with `dotnet run --project src/Api`,
                then `npm run generate` in clients/typescript) and commit it. First difference at line {first + 1}:
                committed: {(first >= 0 && first < committed.Length ? committed[first] : "(end of file)")}
                generated: {(first >= 0 && first < fresh.Length ? fresh[first] : "(end of file)")}
                """);
        }
        finally
        {
            File.Delete(generated);
        }
    }

    [Fact]
    public async Task Lifecycle_WhenCompiledStrictAndRunAgainstTheApi_GoesFromHireToPaidAndInvoicePdf()
    {
        var tsc = NodeTools.Package("typescript/bin/tsc");

        var compiled = await NodeTools.NodeAsync([tsc, "--project", "tsconfig.json", "--strict"], Timeout);
        Assert.True(compiled.ExitCode == 0, $"tsc --strict failed on the client and the lifecycle:\n{compiled.Output}");
        var assertions = await NodeTools.NodeAsync(["scripts/no-non-null-assertions.mjs", "lifecycle", "src"], Timeout);
        Assert.True(assertions.ExitCode == 0, assertions.Output);

        var run = await NodeTools.NodeAsync(["dist/lifecycle/lifecycle.js", api.BaseAddress.ToString().TrimEnd('/')], Timeout);

        Assert.True(run.ExitCode == 0 && run.Output.Contains("LIFECYCLE OK", StringComparison.Ordinal), $"The TypeScript lifecycle failed against the API:\n{run.Output}");
        Assert.Contains("hosted onboarding page completed", run.Output, StringComparison.Ordinal);
        Assert.Matches("invoice PAY-\\d{4}-\\d{6} PDF: \\d+ bytes", run.Output);
    }

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
}
