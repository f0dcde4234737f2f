using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenTrain.Clean.Architecture.Tests;

/// <summary>
/// Microsoft.Data.SqlClient refuses every connection in invariant globalization mode
/// ("Globalization Invariant Mode is not supported"), so no process that can open a SQL Server
/// connection (the API, the worker, the tests, the benchmarks) may run in it.
/// </summary>
public sealed partial class GlobalizationTests
{
    [Theory]
    [InlineData("OpenTrain.Clean.Api")]
    [InlineData("OpenTrain.Clean.Worker")]
    [InlineData("OpenTrain.Clean.Architecture.Tests")]
    public void RuntimeConfig_OfAHostThatOpensSqlServerConnections_DoesNotTurnOnInvariantGlobalization(string assembly)
    {
        var file = Path.Combine(AppContext.BaseDirectory, $"{assembly}.runtimeconfig.json");
        Assert.True(File.Exists(file), $"{file} is missing: the host's runtime settings cannot be checked.");

        using var config = JsonDocument.Parse(File.ReadAllText(file));
        var invariant = config.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var properties)
            && properties.TryGetProperty("System.Globalization.Invariant", out var value)
            && value.GetBoolean();

        Assert.False(invariant, $"{assembly} runs with InvariantGlobalization, where SqlClient refuses to connect.");
    }

    [Fact]
    public void ThisProcess_WhenRunning_IsNotInInvariantGlobalizationMode()
    {
        Assert.False(AppContext.TryGetSwitch("System.Globalization.Invariant", out var invariant) && invariant);

        // With ICU loaded, cultures carry their own data; invariant mode would give "." (or refuse the culture).
        Assert.Equal(",", System.Globalization.CultureInfo.GetCultureInfo("de-DE").NumberFormat.NumberDecimalSeparator);
    }

    [Fact]
    public void ProjectFiles_IncludingTheBenchmarks_NeverSetInvariantGlobalization()
    {
        var root = RepositoryRoot();
        var files = Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".csproj", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git"))
            .ToList();
        Assert.Contains(files, f => f.EndsWith(Path.Combine("bench", "Driver", "Driver.csproj"), StringComparison.Ordinal));

        var offenders = files.Where(f => InvariantOn().IsMatch(File.ReadAllText(f))).Select(f => Path.GetRelativePath(root, f)).ToList();

        Assert.Empty(offenders);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OpenTrain.Clean.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("OpenTrain.Clean.sln not found above the test's directory.");
    }

    [GeneratedRegex(@"<InvariantGlobalization>\s*true\s*</InvariantGlobalization>", RegexOptions.IgnoreCase)]
    private static partial Regex InvariantOn();
}
