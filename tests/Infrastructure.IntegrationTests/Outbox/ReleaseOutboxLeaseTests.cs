using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;

public sealed class ReleaseOutboxLeaseTests : IAsyncLifetime
{
    private readonly ReleaseDataDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly ReleaseDeliveryLog _log = new();
    private ReleaseOutboxHost _host = null!;

    public async Task InitializeAsync() => _host = await ReleaseOutboxHost.StartAsync(_directory, _clock, _log);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    // Guards: a lease ends — rows held by a dispatcher that died are taken over once its lease expired.
    [Fact]
    public async Task DispatchBatchAsync_WhenDeadDispatchersLeaseExpired_TakesTheMessageOver()
    {
        var now = _clock.GetUtcNow();
        var orphan = ReleaseOutboxRows.Recorded(now.AddMinutes(-5));
        orphan.LockedBy = "dead";
        orphan.LockedUntil = now.AddSeconds(-1);
        await _host.InsertAsync([orphan]);

        var handled = await _host.Dispatcher.DispatchBatchAsync(CancellationToken.None);

        var row = await _host.RowAsync(orphan.Id);
        Assert.Equal(1, handled);
        Assert.Equal(1, _log.Count(orphan.Id));
        Assert.Equal(OutboxStatus.Processed, row.Status);
        Assert.Null(row.LockedBy);
        Assert.Null(row.LockedUntil);
    }

    // Guards: the lease holds — a row leased by another live owner is left alone (free rows are handled) until its lease ends.
    [Fact]
    public async Task DispatchBatchAsync_WhenAnotherLiveOwnerHoldsTheLease_LeavesTheMessageAlone()
    {
        var now = _clock.GetUtcNow();
        var leased = ReleaseOutboxRows.Recorded(now.AddMinutes(-5));
        leased.LockedBy = "worker-2:4242:live";
        leased.LockedUntil = now.AddSeconds(30);
        var free = ReleaseOutboxRows.Recorded(now);
        await _host.InsertAsync([leased, free]);

        var handled = await _host.Dispatcher.DrainAsync(CancellationToken.None);

        var untouched = await _host.RowAsync(leased.Id);
        Assert.Equal(1, handled);
        Assert.Equal(1, _log.Count(free.Id));
        Assert.Equal(0, _log.Count(leased.Id));
        Assert.Equal(OutboxStatus.Pending, untouched.Status);
        Assert.Equal("worker-2:4242:live", untouched.LockedBy);
        Assert.Equal(now.AddSeconds(30), untouched.LockedUntil);
        Assert.Equal(0, untouched.Attempts);

        _clock.Advance(TimeSpan.FromSeconds(31));
        var afterLease = await _host.Dispatcher.DispatchBatchAsync(CancellationToken.None);

        Assert.Equal(1, afterLease);
        Assert.Equal(1, _log.Count(leased.Id));
        Assert.Equal(OutboxStatus.Processed, (await _host.RowAsync(leased.Id)).Status);
    }
}
