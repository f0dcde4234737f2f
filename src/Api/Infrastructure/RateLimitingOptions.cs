namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>Configuration section <c>RateLimiting</c>: per caller, on the routes that move money.</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "RateLimiting";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests a caller may make to money-moving routes per window.</summary>
    public int MoneyPermits { get; set; } = 30;

    public TimeSpan MoneyWindow { get; set; } = TimeSpan.FromMinutes(1);
}
