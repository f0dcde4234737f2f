using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>
/// The safety suite's host: no background job (the tests drive the outbox, the payout job and
/// reconciliation), rate limiting off unless a test turns it on, crash points the test arms around the
/// payment gateway and the unit of work, and every log line of every level captured. A "restart" is
/// <see cref="ApiFactory.Restart"/>: the same database and simulator ledger, so the provider keeps its memory as Stripe would.
/// </summary>
public static class SafetyHost
{
    public static ApiHostOptions HostOptions => new() { RateLimiting = false, Faults = new SafetyFaults(), LogLevel = LogLevel.Trace };

    public static ApiFactory Start() => ApiFactory.Create(HostOptions);
}

/// <summary>One safety host per test class, for tests that need no restart.</summary>
public sealed class SafetyFixture : IDisposable
{
    public ApiFactory Factory { get; } = SafetyHost.Start();

    public void Dispose() => Factory.Dispose();
}
