using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Api.FunctionalTests.Safety;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>
/// What one test host needs beyond the defaults: the API in Development on its own SQLite file,
/// the offline payment simulator, a fake clock at the real "now", no background job running by
/// itself, rate limits as configured, and its warnings and errors captured. A test class states
/// only what differs, e.g. <c>new ApiHostOptions { RateLimiting = false, TokensFollowClock = true }</c>.
/// A restart (<see cref="ApiFactory.Restart"/>) keeps all of it.
/// </summary>
public sealed record ApiHostOptions
{
    public string Environment { get; init; } = "Development";

    /// <summary>Payments through the real Stripe adapter to this fake Stripe server; null: the offline simulator.</summary>
    public FakeStripeServer? StripeServer { get; init; }

    /// <summary>Wraps the payment gateway (simulator or Stripe adapter) in a test decorator, e.g. a <see cref="ForwardingPaymentGateway"/>.</summary>
    public Func<IServiceProvider, IPaymentGateway, IPaymentGateway>? WrapGateway { get; init; }

    /// <summary>Crash points armed by the test: wraps the payment gateway and the unit of work.</summary>
    public SafetyFaults? Faults { get; init; }

    /// <summary>The Quartz jobs (outbox, payouts, reconciliation) on their timers; off, the test runs them itself.</summary>
    public bool InProcessJobs { get; init; }

    public bool RateLimiting { get; init; } = true;

    /// <summary>The system clock instead of <see cref="Clock"/>, for a host that runs by itself while an outside process drives it.</summary>
    public bool SystemClock { get; init; }

    /// <summary>Listens on a real loopback port (Kestrel) for processes outside the test: the linters, a generated client, a browser.</summary>
    public bool ListensOnPort { get; init; }

    /// <summary>
    /// Dev tokens are minted on the fake clock; with this on their lifetime is checked on it too (the
    /// token handler reads the system clock), so a test may move the clock by days.
    /// </summary>
    public bool TokensFollowClock { get; init; }

    /// <summary>The lowest level <see cref="ApiFactory.Logs"/> keeps (from every category); nothing goes to the console.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>Shared across restarts; by default a new one at the real "now" in whole seconds.</summary>
    public FakeTimeProvider? Clock { get; init; }

    /// <summary>Configuration (UseSetting: Program sees it before it registers anything), applied last.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Extra test services (handlers, replacements), applied after everything else.</summary>
    public Action<IServiceCollection>? Services { get; init; }
}
