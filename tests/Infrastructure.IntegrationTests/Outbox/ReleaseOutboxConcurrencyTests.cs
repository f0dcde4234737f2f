using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;

public sealed class ReleaseOutboxConcurrencyTests
{
    private const int MessageCount = 1_000;

    // Guards: the leased claim (conditional UPDATE, mark only while the lease is ours) — two racing dispatchers never handle a message twice.
    [Fact]
    public async Task DispatchBatchAsync_WhenTwoDispatchersShareOneSqliteFile_HandlesEachOfAThousandMessagesExactlyOnce()
    {
        using var directory = new ReleaseDataDirectory();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var log = new ReleaseDeliveryLog();
        var settings = new Dictionary<string, string?> { ["Outbox:BatchSize"] = "25" };
        await using var first = await ReleaseOutboxHost.StartAsync(directory, clock, log, settings);
        await using var second = await ReleaseOutboxHost.StartAsync(directory, clock, log, settings);
        Assert.NotEqual(first.Dispatcher.Owner, second.Dispatcher.Owner);
        var messages = Enumerable.Range(0, MessageCount).Select(_ => ReleaseOutboxRows.Recorded(clock.GetUtcNow())).ToList();
        await first.InsertAsync(messages);

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = new[] { first, second }.Select(host => Task.Run(() => RunLikeTheJobAsync(host, go.Task))).ToList();
        go.SetResult();
        var handled = await Task.WhenAll(runs);

        Assert.All(handled, count => Assert.True(count > 0, $"both dispatchers must take part (handled {string.Join(" + ", handled)})"));
        Assert.Equal(MessageCount, handled.Sum());
        Assert.Equal(MessageCount, log.Deliveries.Count);
        Assert.All(messages, m => Assert.Equal(1, log.Count(m.Id)));
        var rows = await first.RowsAsync();
        Assert.Equal(MessageCount, rows.Count);
        Assert.Equal(MessageCount, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, row =>
        {
            Assert.Equal(OutboxStatus.Processed, row.Status);
            Assert.Equal(1, row.Attempts);
            Assert.NotNull(row.ProcessedAt);
            Assert.Null(row.LockedBy);
            Assert.Null(row.LockedUntil);
            Assert.Null(row.LastError);
        });
    }

    /// <summary>
    /// Batch after batch, with a short pause between them as the Quartz job has its interval, until no message is
    /// pending. Without the pause the dispatcher waiting for SQLite's single write lock finds its claim candidates
    /// taken every time and handles nothing, so the race would not show two dispatchers at work.
    /// </summary>
    private static async Task<int> RunLikeTheJobAsync(ReleaseOutboxHost host, Task start)
    {
        await start;
        var pause = TimeSpan.FromMilliseconds(50);
        var handled = 0;
        for (var round = 0; round < 10_000; round++)
        {
            var batch = await host.Dispatcher.DispatchBatchAsync(CancellationToken.None);
            handled += batch;
            if (batch == 0 && (await host.RowsAsync()).TrueForAll(r => r.Status != OutboxStatus.Pending))
            {
                return handled;
            }

            await Task.Delay(pause);
        }

        throw new TimeoutException("The outbox did not drain.");
    }
}
