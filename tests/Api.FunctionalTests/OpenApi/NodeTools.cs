using System.Diagnostics;

namespace OpenTrain.Clean.Api.FunctionalTests.OpenApi;

/// <summary>
/// The npm tools of <c>clients/typescript</c> (the linters, openapi-typescript, tsc) and of <c>tests/browser</c>
/// (playwright-core driving Chromium) run as processes. Not installed is a failure that says what to do, never a skip.
/// </summary>
public static class NodeTools
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ClientDirectory { get; } = Path.Combine(RepositoryRoot, "clients", "typescript");

    public static string BrowserDirectory { get; } = Path.Combine(RepositoryRoot, "tests", "browser");

    /// <summary>The path of an installed package's file (in <see cref="ClientDirectory"/> unless told), or a failure telling to run <c>npm ci</c>.</summary>
    public static string Package(string relativePath, string? packageDirectory = null)
    {
        packageDirectory ??= ClientDirectory;
        var path = Path.Combine(packageDirectory, "node_modules", relativePath);
        if (!File.Exists(path))
        {
            Assert.Fail($"npm packages are not installed ({path} is missing): run `npm ci` in {Path.GetRelativePath(RepositoryRoot, packageDirectory)} (.ci/run does this before dotnet test).");
        }

        return path;
    }

    /// <summary>Runs <c>node</c> with the arguments in <paramref name="workingDirectory"/> (default <see cref="ClientDirectory"/>); the outcome and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> NodeAsync(IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = workingDirectory ?? ClientDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started; Node.js 20 or later must be on PATH.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node {string.Join(' ', arguments)} did not finish within {timeout}: {await stdout}{await stderr}");
        }

        return (process.ExitCode, $"{await stdout}{await stderr}");
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OpenTrain.Clean.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("OpenTrain.Clean.sln not found above the test assembly.");
    }
}
