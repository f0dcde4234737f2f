using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.OpenApi;

namespace OpenTrain.Clean.Api.FunctionalTests.Browser;

/// <summary>
/// Runs a scenario of <c>tests/browser</c> (playwright-core driving Debian's headless Chromium at
/// /usr/bin/chromium, never a downloaded browser) and reads what it observed: the one
/// <c>RESULT {json}</c> line it prints. A scenario that cannot find an element or a response within
/// its step timeout fails here with everything it printed and a screenshot in <see cref="FailureDirectory"/>.
/// </summary>
public static class BrowserRun
{
    private const string ResultPrefix = "RESULT ";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <summary>Screenshots of failed scenarios, in the test output directory.</summary>
    public static string FailureDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "browser-failures");

    public static async Task<T> RunAsync<T>(string script, params string[] arguments)
    {
        NodeTools.Package("playwright-core/package.json", NodeTools.BrowserDirectory);
        var (exitCode, output) = await NodeTools.NodeAsync([script, .. arguments], Timeout, NodeTools.BrowserDirectory);
        var result = output.ReplaceLineEndings("\n").Split('\n').LastOrDefault(line => line.StartsWith(ResultPrefix, StringComparison.Ordinal));
        if (exitCode != 0 || result is null)
        {
            Assert.Fail($"The browser scenario {script} failed (exit code {exitCode}); screenshots go to {FailureDirectory}:\n{output}");
        }

        return JsonSerializer.Deserialize<T>(result[ResultPrefix.Length..], _json)
            ?? throw new InvalidOperationException($"{script} printed an empty result.");
    }
}

/// <summary>What every scenario records about the page: console errors, uncaught errors and failed requests.</summary>
public abstract record BrowserObservations(IReadOnlyList<string> ConsoleErrors, IReadOnlyList<string> PageErrors, IReadOnlyList<string> FailedRequests)
{
    /// <summary>Everything that went wrong in the page, one line each (empty when nothing did).</summary>
    public string Problems => string.Join('\n', ConsoleErrors.Concat(PageErrors).Concat(FailedRequests));
}
