using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OpenTrain.Clean.Bench.Micro;

// A short in-process job (no per-benchmark project build) so the whole set takes about a minute.
// BenchmarkDotNet's own report goes to stderr; stdout gets one "name: value unit" line per figure.
var job = Job.ShortRun
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(5)
    .WithId("short-inprocess");
var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.DisableLogFile)
    .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "opentrain-bench-micro"));

var stdout = Console.Out;
Console.SetOut(Console.Error);
var summary = BenchmarkRunner.Run<HotPaths>(config, args);
Console.SetOut(stdout);

var failed = 0;
foreach (var report in summary.Reports)
{
    var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
    var key = string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
    if (report.ResultStatistics is not { } statistics)
    {
        failed++;
        Console.Error.WriteLine($"micro: {name} produced no result");
        continue;
    }

    Print($"micro.{key}.mean", statistics.Mean / 1000, "us");
    Print($"micro.{key}.stddev", statistics.StandardDeviation / 1000, "us");
    var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
    if (allocated is { } bytes)
    {
        Print($"micro.{key}.allocated", bytes / 1024.0, "KB");
    }
}

return failed == 0 && summary.Reports.Length > 0 ? 0 : 1;

static void Print(string name, double value, string unit) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {(value < 10 ? Math.Round(value, 3) : Math.Round(value, 1))} {unit}"));
