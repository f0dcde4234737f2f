using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenTrain.Clean.Api.FunctionalTests.Production;

/// <summary>
/// The API or the worker as a real process (<c>dotnet OpenTrain.Clean.Api.dll</c> from its own build
/// output), for what only a process shows: its exit code, what it prints, several instances at once.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private HostProcess(Process process) => _process = process;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>src/{project}</c>'s build output with only the given environment added (never the caller's ASPNETCORE_/DOTNET_ settings).</summary>
    public static HostProcess Start(string project, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var directory = BuildOutput(project);
        var start = new ProcessStartInfo("dotnet", $"OpenTrain.Clean.{project}.dll")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Runs the process until it exits by itself (or fails the test after <paramref name="timeout"/>).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string project, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        await using var host = Start(project, environment);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await host._process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{project} did not exit within {timeout}; it printed:\n{host.Output}");
        }

        return (host.ExitCode, host.Output);
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails with the output if the process exits first or time runs out.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"expected \"{text}\" in the output ({(_process.HasExited ? $"exited with {_process.ExitCode}" : "timed out")}):\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A loopback port nothing listens on (it was free a moment ago).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary><c>src/{project}/bin/{configuration}/net10.0</c>, built in the same configuration as these tests.</summary>
    private static string BuildOutput(string project)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OpenTrain.Clean.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var directory = Path.Combine(root.FullName, "src", project, "bin", configuration, framework);
        Assert.True(File.Exists(Path.Combine(directory, $"OpenTrain.Clean.{project}.dll")), $"{project} is not built in {directory}");
        return directory;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}
