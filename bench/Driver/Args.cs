using System.Globalization;

namespace OpenTrain.Clean.Bench.Driver;

/// <summary>"command --name value ..." with typed look-ups and defaults.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public string Command { get; private init; } = string.Empty;

    public static Args Parse(string[] args)
    {
        var parsed = new Args { Command = args.Length > 0 ? args[0] : string.Empty };
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected --name before '{args[i]}'.");
            }

            parsed._values[args[i][2..]] = args[i + 1];
        }

        return parsed;
    }

    public string Get(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public TimeSpan Seconds(string name, double fallback) =>
        TimeSpan.FromSeconds(_values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback);
}

/// <summary>One figure per line, "name: value unit", the format every bench script prints.</summary>
internal static class Figures
{
    public static void Print(string name, double value, string unit, int decimals = 1) =>
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {Math.Round(value, decimals).ToString("0.#####", CultureInfo.InvariantCulture)} {unit}"));

    public static double Percentile(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    public static void Log(string message) => Console.Error.WriteLine($"[driver {DateTime.Now:HH:mm:ss}] {message}");
}
