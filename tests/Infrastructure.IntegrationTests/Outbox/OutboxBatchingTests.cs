using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;

/// <summary>
/// Issue 13 §5: handled messages share one write transaction (<see cref="OutboxOptions.MessagesPerTransaction"/>),
/// while each message keeps its own fate: a failing message neither undoes nor blocks the others' effects and is
/// retried on its schedule; a batch cut short (a crash) takes effect once when it is delivered again.
/// </summary>
public sealed class OutboxBatchingTests : IDisposable
{
    /// <summary>The claim's own transaction (it queues at the writer gate like any writer).</summary>
    private const int ClaimTransactions = 1;

    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly FakeTimeProvider _clock = new(Moments.Now.AddHours(1));
    private readonly BatchingProbe _probe = new();
    private readonly CommitCounter _commits = new();
    private readonly ServiceProvider _services;
    private readonly OutboxOptions _options = new()
    {
        BatchSize = 10,
        MessagesPerTransaction = 10,
        Lease = TimeSpan.FromMinutes(1),
        MaxAttempts = 3,
        BaseBackoff = TimeSpan.FromSeconds(10),
        MaxBackoff = TimeSpan.FromMinutes(10),
    };

    public OutboxBatchingTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddDbContext<AppDbContext, SqliteAppDbContext>(options => options
            .UseSqlite(_database.ConnectionString)
            .AddInterceptors(new DomainEventsToOutboxInterceptor(_clock), _commits));
        services.AddScoped<IUnitOfWork, UnitOfWork>();
        services.AddSingleton(_probe);
        services.AddScoped<IDomainEventHandler<MilestoneCreated>, BatchingRecordingHandler>();
        _services = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _database.Dispose();
    }

    // Guards: CommitStagedAsync — the rows added by several messages' handlers and their processed marks commit in one transaction.
    [Fact]
    public async Task DispatchBatchAsync_WhenHandlersOnlyAddRows_CommitsTheWholeBatchInOneTransaction()
    {
        var messages = await SeedAsync(6);
        _commits.Reset();

        var handled = await NewDispatcher().DispatchBatchAsync(CancellationToken.None);

        Assert.Equal(6, handled);
        Assert.Equal(ClaimTransactions + 1, _commits.Committed);
        foreach (var id in messages)
        {
            Assert.Equal(1, await CountEffectsAsync(id));
        }

        await AssertProcessedAsync(messages);
    }

    // Guards: MessagesPerTransaction — a batch larger than it is committed in several transactions, each with its messages' effects.
    [Fact]
    public async Task DispatchBatchAsync_WhenTheBatchExceedsMessagesPerTransaction_CommitsItInChunks()
    {
        _options.MessagesPerTransaction = 4;
        var messages = await SeedAsync(10);
        _commits.Reset();

        var handled = await NewDispatcher().DispatchBatchAsync(CancellationToken.None);

        Assert.Equal(10, handled);
        Assert.Equal(ClaimTransactions + 3, _commits.Committed);
        foreach (var id in messages)
        {
            Assert.Equal(1, await CountEffectsAsync(id));
        }

        await AssertProcessedAsync(messages);
    }

    // Guards: RunHandlersAsync's per-message scope — a handler that throws after adding a row loses only its own row; it is retried after its backoff and then takes effect once.
    [Fact]
    public async Task DispatchBatchAsync_WhenOneMessageOfTheBatchFails_TheOthersCommitAndItIsRetriedOnItsSchedule()
    {
        var messages = await SeedAsync(6);
        var poisoned = messages[3];
        _probe.FailAfterAdding = poisoned;
        var dispatcher = NewDispatcher();
        var now = _clock.GetUtcNow();

        Assert.Equal(5, await dispatcher.DispatchBatchAsync(CancellationToken.None));

        Assert.Equal(0, await CountEffectsAsync(poisoned));
        foreach (var id in messages.Where(id => id != poisoned))
        {
            Assert.Equal(1, await CountEffectsAsync(id));
        }

        await AssertProcessedAsync([.. messages.Where(id => id != poisoned)]);
        var failed = await RowAsync(poisoned);
        Assert.Equal((OutboxStatus.Pending, 1, (string?)null), (failed.Status, failed.Attempts, failed.LockedBy));
        Assert.Contains("poisoned", failed.LastError, StringComparison.Ordinal);
        Assert.InRange(failed.NextAttemptAt, now + (_options.BaseBackoff / 2), now + _options.BaseBackoff);

        // Not before its time; then once.
        _clock.SetUtcNow(failed.NextAttemptAt - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, await dispatcher.DrainAsync(CancellationToken.None));
        _probe.FailAfterAdding = null;
        _clock.SetUtcNow(failed.NextAttemptAt);
        Assert.Equal(1, await dispatcher.DrainAsync(CancellationToken.None));

        Assert.Equal(1, await CountEffectsAsync(poisoned));
        Assert.Equal(2, _probe.Deliveries(poisoned));
        foreach (var id in messages)
        {
            Assert.Equal(1, await CountEffectsAsync(id));
        }

        await AssertProcessedAsync(messages);
    }

    // Guards: MaxAttempts on the batched path — a message that always fails is parked, not retried forever, and never holds back the batch.
    [Fact]
    public async Task DrainAsync_WhenOneMessageAlwaysFails_ParksItAfterMaxAttemptsWhileTheOthersTakeEffectOnce()
    {
        var messages = await SeedAsync(5);
        var poisoned = messages[0];
        _probe.FailAfterAdding = poisoned;
        var dispatcher = NewDispatcher();

        for (var round = 0; round < _options.MaxAttempts + 2; round++)
        {
            await dispatcher.DrainAsync(CancellationToken.None);
            _clock.Advance(TimeSpan.FromHours(1));
        }

        var parked = await RowAsync(poisoned);
        Assert.Equal((OutboxStatus.Parked, _options.MaxAttempts), (parked.Status, parked.Attempts));
        Assert.Equal(_options.MaxAttempts, _probe.Deliveries(poisoned));
        Assert.Equal(0, await CountEffectsAsync(poisoned));
        foreach (var id in messages.Skip(1))
        {
            Assert.Equal(1, await CountEffectsAsync(id));
            Assert.Equal(1, _probe.Deliveries(id));
        }
    }

    // Guards: CommitStagedAsync's fallback — when the batch's save fails on one message's row, nothing of the batch is half-committed, the others commit one by one and only the culprit is rescheduled.
    [Fact]
    public async Task DispatchBatchAsync_WhenOneMessagesRowBreaksAConstraintAtCommit_TheOthersStillCommitOnce()
    {
        var messages = await SeedAsync(5);
        var culprit = messages[2];
        await using (var db = _database.NewContext())
        {
            db.Add(new ProcessedWebhookEvent { EventId = BatchingRecordingHandler.ConflictId(culprit), Type = "taken", ReceivedAt = _clock.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        _probe.ConflictFor = culprit;

        Assert.Equal(4, await NewDispatcher().DispatchBatchAsync(CancellationToken.None));

        foreach (var id in messages.Where(id => id != culprit))
        {
            Assert.Equal(1, await CountEffectsAsync(id));
        }

        await AssertProcessedAsync([.. messages.Where(id => id != culprit)]);
        var failed = await RowAsync(culprit);
        Assert.Equal((OutboxStatus.Pending, 1, (string?)null), (failed.Status, failed.Attempts, failed.LockedBy));
        Assert.Equal(0, await CountEffectsAsync(culprit));
    }

    // Guards: the batch's single commit — a dispatcher that dies mid-batch (its process gone: staged rows never commit, its
    // lease stays) leaves those messages to be delivered again after the lease, each with its effect once; the chunks
    // committed before the crash are not repeated.
    [Fact]
    public async Task DispatchBatchAsync_WhenTheProcessDiesMidBatch_TheRestIsRedeliveredAfterTheLeaseWithoutDoubledEffects()
    {
        _options.MessagesPerTransaction = 2;
        var messages = await SeedAsync(6);

        // Scopes: the claim, then per chunk two messages and the commit; from the ninth on (the sixth message's) the process is gone.
        var dying = new DyingScopeFactory(_services.GetRequiredService<IServiceScopeFactory>(), scopesBeforeDeath: 8);
        var doomed = new OutboxDispatcher(dying, Options.Create(_options), _clock, NullLogger<OutboxDispatcher>.Instance);

        await Assert.ThrowsAsync<ProcessDiedException>(() => doomed.DispatchBatchAsync(CancellationToken.None));

        // Two chunks of two committed; the fifth message ran and its row was staged but never committed, the sixth never ran.
        var rows = new List<OutboxMessage>();
        foreach (var id in messages)
        {
            rows.Add(await RowAsync(id));
        }

        var unfinished = rows.Where(r => r.Status == OutboxStatus.Pending).Select(r => r.Id).ToList();
        Assert.Equal(4, rows.Count(r => r.Status == OutboxStatus.Processed));
        Assert.Equal(2, unfinished.Count);
        Assert.All(rows.Where(r => r.Status == OutboxStatus.Pending), r => Assert.NotNull(r.LockedBy));
        Assert.All(unfinished, id => Assert.Equal(0, CountEffects(id)));
        Assert.Equal(0, await NewDispatcher().DrainAsync(CancellationToken.None));

        _clock.Advance(_options.Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(2, await NewDispatcher().DrainAsync(CancellationToken.None));

        foreach (var id in messages)
        {
            Assert.Equal(1, await CountEffectsAsync(id));
        }

        Assert.Equal(3, unfinished.Sum(_probe.Deliveries));
        Assert.All(messages.Except(unfinished), id => Assert.Equal(1, _probe.Deliveries(id)));
        await AssertProcessedAsync(messages);
    }

    // Guards: the finally of DispatchBatchAsync — a dispatcher told to stop commits the messages it already handled (their
    // e-mails are sent) instead of leaving them to be delivered, and sent, again.
    [Fact]
    public async Task DispatchBatchAsync_WhenStoppedMidBatch_CommitsWhatItHandledAndLeavesTheRest()
    {
        var messages = await SeedAsync(6);
        using var stopping = new CancellationTokenSource();
        var delivered = 0;
        _probe.OnDelivery = _ =>
        {
            if (++delivered == 3)
            {
                stopping.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NewDispatcher().DispatchBatchAsync(stopping.Token));
        _probe.OnDelivery = null;

        var processed = new List<Guid>();
        foreach (var id in messages)
        {
            if ((await RowAsync(id)).Status == OutboxStatus.Processed)
            {
                processed.Add(id);
            }
        }

        Assert.Equal(3, processed.Count);
        Assert.All(processed, id => Assert.Equal(1, CountEffects(id)));
        _clock.Advance(_options.Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(3, await NewDispatcher().DrainAsync(CancellationToken.None));
        Assert.All(messages, id => Assert.Equal(1, _probe.Deliveries(id)));
        await AssertProcessedAsync(messages);
    }

    // Guards: MessagesPerTransaction = 1 keeps one transaction per message.
    [Fact]
    public async Task DispatchBatchAsync_WhenMessagesPerTransactionIsOne_CommitsEachMessageAlone()
    {
        _options.MessagesPerTransaction = 1;
        var messages = await SeedAsync(3);
        _commits.Reset();

        Assert.Equal(3, await NewDispatcher().DispatchBatchAsync(CancellationToken.None));

        Assert.Equal(ClaimTransactions + 3, _commits.Committed);
        await AssertProcessedAsync(messages);
    }

    private OutboxDispatcher NewDispatcher() =>
        new(_services.GetRequiredService<IServiceScopeFactory>(), Options.Create(_options), _clock, NullLogger<OutboxDispatcher>.Instance);

    private async Task<List<Guid>> SeedAsync(int count)
    {
        var hire = new Hire(Moments.Now);
        for (var i = 0; i < count; i++)
        {
            hire.AddMilestone(Moments.Now);
        }

        await using var db = _database.NewContext(_clock);
        hire.AddTo(db);
        await db.SaveChangesAsync();

        // Other events of the seed are not this test's subject.
        await db.OutboxMessages.Where(m => m.Type != nameof(MilestoneCreated)).ExecuteDeleteAsync();
        return await db.OutboxMessages.OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Select(m => m.Id).ToListAsync();
    }

    private async Task<int> CountEffectsAsync(Guid messageId)
    {
        await using var db = _database.NewContext();
        var prefix = BatchingRecordingHandler.EffectPrefix(messageId);
        return await db.Set<ProcessedWebhookEvent>().CountAsync(e => e.EventId.StartsWith(prefix));
    }

    private int CountEffects(Guid messageId)
    {
        using var db = _database.NewContext();
        var prefix = BatchingRecordingHandler.EffectPrefix(messageId);
        return db.Set<ProcessedWebhookEvent>().Count(e => e.EventId.StartsWith(prefix));
    }

    private async Task<OutboxMessage> RowAsync(Guid id)
    {
        await using var db = _database.NewContext();
        return await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    private async Task AssertProcessedAsync(IReadOnlyCollection<Guid> messages)
    {
        await using var db = _database.NewContext();
        var rows = await db.OutboxMessages.AsNoTracking().Where(m => messages.Contains(m.Id)).ToListAsync();
        Assert.Equal(messages.Count, rows.Count);
        Assert.All(rows, m => Assert.Equal((OutboxStatus.Processed, (string?)null), (m.Status, m.LockedBy)));
    }
}

internal sealed class BatchingProbe
{
    private readonly ConcurrentDictionary<Guid, int> _deliveries = new();

    public Guid? FailAfterAdding { get; set; }

    public Guid? ConflictFor { get; set; }

    public Action<Guid>? OnDelivery { get; set; }

    public int Deliveries(Guid messageId) => _deliveries.GetValueOrDefault(messageId);

    public void Delivered(Guid messageId) => _deliveries.AddOrUpdate(messageId, 1, (_, n) => n + 1);
}

/// <summary>
/// Adds a fresh row per delivery and does not save it (as the notification handlers do): only the outbox's
/// transaction commits it, and nothing but that transaction keeps it from being doubled.
/// </summary>
internal sealed class BatchingRecordingHandler(AppDbContext db, BatchingProbe probe, TimeProvider clock) : IDomainEventHandler<MilestoneCreated>
{
    public static string EffectPrefix(Guid messageId) => $"batching-outbox:{messageId:N}:";

    public static string ConflictId(Guid messageId) => $"batching-conflict:{messageId:N}";

    public Task HandleAsync(MilestoneCreated domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        probe.Delivered(context.EventId);
        probe.OnDelivery?.Invoke(context.EventId);
        db.Add(new ProcessedWebhookEvent { EventId = $"{EffectPrefix(context.EventId)}{Guid.NewGuid():N}", Type = nameof(MilestoneCreated), ReceivedAt = clock.GetUtcNow() });
        if (probe.ConflictFor == context.EventId)
        {
            db.Add(new ProcessedWebhookEvent { EventId = ConflictId(context.EventId), Type = nameof(MilestoneCreated), ReceivedAt = clock.GetUtcNow() });
        }

        return probe.FailAfterAdding == context.EventId
            ? throw new InvalidOperationException("poisoned message")
            : Task.CompletedTask;
    }
}

internal sealed class ProcessDiedException() : Exception("The process died.");

/// <summary>Hands out scopes until the process "dies": from then on nothing it starts can run (nor commit).</summary>
internal sealed class DyingScopeFactory(IServiceScopeFactory inner, int scopesBeforeDeath) : IServiceScopeFactory
{
    private int _created;

    public IServiceScope CreateScope() =>
        Interlocked.Increment(ref _created) > scopesBeforeDeath ? throw new ProcessDiedException() : inner.CreateScope();
}

/// <summary>Counts committed transactions on the contexts it is added to.</summary>
internal sealed class CommitCounter : DbTransactionInterceptor
{
    private int _committed;

    public int Committed => Volatile.Read(ref _committed);

    public void Reset() => Interlocked.Exchange(ref _committed, 0);

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Interlocked.Increment(ref _committed);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _committed);
        return Task.CompletedTask;
    }
}
