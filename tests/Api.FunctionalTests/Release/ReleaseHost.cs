using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Release;

/// <summary>
/// The release scenarios' host: no job runs by itself (the tests drive the outbox, the payout job and
/// reconciliation) on a fake clock that dev tokens follow, so a test may move it past a lease or a delay.
/// </summary>
public class ReleaseHost() : ApiFactory(HostOptions)
{
    public static ApiHostOptions HostOptions => new() { TokensFollowClock = true };
}
