namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// Configuration section <c>RateLimiting</c>: per caller, on the routes that move money, counted by each API
/// instance in its own memory. With N instances behind a balancer a caller may make up to N × <see cref="MoneyPermits"/>
/// per window: the limit protects the provider and the database from a runaway client, while money safety comes
/// from idempotency keys and claims, never from the limiter, so it is not worth a shared counter written on every
/// money request. Set <see cref="MoneyPermits"/> to the wanted total divided by the number of instances.
/// </summary>
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
