namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>Configuration section <c>RateLimiting</c>: per caller, on the routes that move money.</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "RateLimiting";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests a caller may make to money-moving routes per window.</summary>
    public int MoneyPermits { get; set; } = 30;

    public TimeSpan MoneyWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Expensive routes (invoice PDFs, CSV exports) running at once per caller; applies even when <see cref="Enabled"/> is off.</summary>
    public int ExpensivePerCaller { get; set; } = 1;

    /// <summary>Expensive requests a caller may have waiting; past that they get 429.</summary>
    public int ExpensiveQueuePerCaller { get; set; } = 32;
}
