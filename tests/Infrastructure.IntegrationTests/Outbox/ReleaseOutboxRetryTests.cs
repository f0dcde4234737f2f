using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;

public sealed class ReleaseOutboxRetryTests : IAsyncLifetime
{
    private static readonly TimeSpan BaseBackoff = TimeSpan.FromSeconds(10);

    private readonly ReleaseDataDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly ReleaseDeliveryLog _log = new();
    private ReleaseOutboxHost _host = null!;

    public async Task InitializeAsync() => _host = await ReleaseOutboxHost.StartAsync(_directory, _clock, _log, new Dictionary<string, string?>
    {
        ["Outbox:MaxAttempts"] = "3",
        ["Outbox:BaseBackoff"] = BaseBackoff.ToString(),
        ["Outbox:MaxBackoff"] = "00:10:00",
        ["Outbox:BatchSize"] = "10",
    });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    // Guards: per-message try/catch — a failing message gets backoff and keeps its error while the rest of its batch is handled.
    [Fact]
    public async Task DispatchBatchAsync_WhenOneMessageOfTheBatchAlwaysThrows_ReschedulesItWithBackoffAndHandlesTheOthers()
    {
        var now = _clock.GetUtcNow();
        var poison = ReleaseOutboxRows.Poison(now.AddMinutes(-1));
        var others = Enumerable.Range(0, 5).Select(_ => ReleaseOutboxRows.Recorded(now)).ToList();
        await _host.InsertAsync([poison, .. others]);

        var handled = await _host.Dispatcher.DispatchBatchAsync(CancellationToken.None);

        Assert.Equal(others.Count, handled);
        Assert.All(others, m => Assert.Equal(1, _log.Count(m.Id)));
        var rows = await _host.RowsAsync();
        Assert.All(rows.Where(r => r.Id != poison.Id), r => Assert.Equal(OutboxStatus.Processed, r.Status));
        var failed = rows.Single(r => r.Id == poison.Id);
        Assert.Equal(OutboxStatus.Pending, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.InRange(failed.NextAttemptAt, now + (BaseBackoff / 2), now + BaseBackoff);
        Assert.Contains(ReleaseAlwaysFailingHandler.Error, failed.LastError, StringComparison.Ordinal);
        Assert.Null(failed.LockedBy);
        Assert.Null(failed.LockedUntil);
        Assert.Null(failed.ProcessedAt);
    }

    // Guards: backoff — a failed message is not retried before its next attempt time.
    [Fact]
    public async Task DrainAsync_WhenFailedMessageNotDueYet_DoesNotRetryIt()
    {
        var poison = ReleaseOutboxRows.Poison(_clock.GetUtcNow());
        await _host.InsertAsync([poison]);
        await _host.Dispatcher.DrainAsync(CancellationToken.None);
        var next = (await _host.RowAsync(poison.Id)).NextAttemptAt;

        _clock.SetUtcNow(next - TimeSpan.FromMilliseconds(1));
        await _host.Dispatcher.DrainAsync(CancellationToken.None);
        var beforeDue = await _host.RowAsync(poison.Id);
        _clock.SetUtcNow(next);
        await _host.Dispatcher.DrainAsync(CancellationToken.None);
        var whenDue = await _host.RowAsync(poison.Id);

        Assert.Equal(1, beforeDue.Attempts);
        Assert.Equal(2, whenDue.Attempts);
        Assert.Equal(2, _log.Count(poison.Id));
    }

    // Guards: exponential backoff per attempt, then parking after Outbox:MaxAttempts with the last error; parked is never retried.
    [Fact]
    public async Task DispatchBatchAsync_WhenMessageFailsMaxAttemptsTimes_ParksItWithItsLastError()
    {
        var poison = ReleaseOutboxRows.Poison(_clock.GetUtcNow());
        var bystander = ReleaseOutboxRows.Recorded(_clock.GetUtcNow());
        await _host.InsertAsync([poison, bystander]);
        var delays = new List<TimeSpan>();

        OutboxMessage row = null!;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var now = _clock.GetUtcNow();
            await _host.Dispatcher.DispatchBatchAsync(CancellationToken.None);
            row = await _host.RowAsync(poison.Id);
            Assert.Equal(attempt, row.Attempts);
            Assert.Equal(attempt < 3 ? OutboxStatus.Pending : OutboxStatus.Parked, row.Status);
            delays.Add(row.NextAttemptAt - now);
            _clock.SetUtcNow(row.NextAttemptAt);
        }

        Assert.InRange(delays[0], BaseBackoff / 2, BaseBackoff);
        Assert.InRange(delays[1], BaseBackoff, BaseBackoff * 2);
        Assert.Contains(ReleaseAlwaysFailingHandler.Error, row.LastError, StringComparison.Ordinal);
        Assert.Equal(OutboxStatus.Processed, (await _host.RowAsync(bystander.Id)).Status);

        _clock.Advance(TimeSpan.FromDays(1));
        var handledLater = await _host.Dispatcher.DrainAsync(CancellationToken.None);

        var parked = await _host.RowAsync(poison.Id);
        Assert.Equal(0, handledLater);
        Assert.Equal(OutboxStatus.Parked, parked.Status);
        Assert.Equal(3, parked.Attempts);
        Assert.Equal(3, _log.Count(poison.Id));
        Assert.Equal(1, _log.Count(bystander.Id));
    }
}
