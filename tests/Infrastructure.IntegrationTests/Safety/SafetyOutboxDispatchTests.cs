using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Safety;

/// <summary>
/// Issue 6 §3 at the dispatcher: several dispatchers on one SQLite outbox, each message's database
/// effect once; a dispatcher that lost its lease rolls its effect back; a message that keeps failing
/// is parked without blocking the others.
/// </summary>
public sealed class SafetyOutboxDispatchTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly FakeTimeProvider _clock = new(Moments.Now.AddHours(1));
    private readonly SafetyOutboxProbe _probe = new();
    private readonly ServiceProvider _services;
    private readonly OutboxOptions _options = new() { BatchSize = 4, Lease = TimeSpan.FromMinutes(1), MaxAttempts = 3, BaseBackoff = TimeSpan.FromSeconds(5) };

    public SafetyOutboxDispatchTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddDbContext<AppDbContext, SqliteAppDbContext>(options => options
            .UseSqlite(_database.ConnectionString)
            .AddInterceptors(new DomainEventsToOutboxInterceptor(_clock)));
        services.AddScoped<IUnitOfWork, UnitOfWork>();
        services.AddSingleton(_probe);
        services.AddScoped<IDomainEventHandler<MilestoneCreated>, SafetyRecordingHandler>();
        _services = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _database.Dispose();
    }

    // Guards: the claim's conditional UPDATE (only where the lease is free): three dispatchers racing over one outbox deliver each message once.
    [Fact]
    public async Task DrainAsync_WhenThreeDispatchersRunAtOnce_EachMessageTakesEffectOnce()
    {
        var messages = await SeedMilestonesAsync(24);
        var dispatchers = Enumerable.Range(0, 3).Select(_ => NewDispatcher()).ToList();

        await Task.WhenAll(dispatchers.Select(d => Task.Run(() => d.DrainAsync(CancellationToken.None))));

        foreach (var id in messages)
        {
            Assert.Equal(1, _probe.Deliveries(id));
            Assert.Equal(1, await CountEffectsAsync(id));
        }

        await AssertAllProcessedAsync(messages);
    }

    // Guards: the processed mark checks that the lease is still ours (OutboxLeaseLostException): the effect of a dispatcher whose message was taken over rolls back.
    [Fact]
    public async Task DispatchBatchAsync_WhenTheLeaseIsTakenWhileHandling_RollsTheEffectBackAndTheNewOwnerDeliversOnce()
    {
        var messages = await SeedMilestonesAsync(1);
        var message = Assert.Single(messages);

        // While the first dispatcher handles the message, its lease passes to another worker.
        _probe.DuringNextDelivery = async db => await db.OutboxMessages.Where(m => m.Id == message)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedBy, "another-worker"));
        var first = NewDispatcher();

        await first.DispatchBatchAsync(CancellationToken.None);

        Assert.Equal(0, await CountEffectsAsync(message));
        await using (var db = _database.NewContext())
        {
            Assert.Equal(OutboxStatus.Pending, (await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == message)).Status);
        }

        _clock.Advance(_options.Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await NewDispatcher().DrainAsync(CancellationToken.None));
        Assert.Equal(2, _probe.Deliveries(message));
        Assert.Equal(1, await CountEffectsAsync(message));
        await AssertAllProcessedAsync(messages);
    }

    // Guards: per-message try/catch with backoff and parking after Outbox:MaxAttempts: one bad message never blocks the rest.
    [Fact]
    public async Task DrainAsync_WhenOneMessageAlwaysFails_ParksItAfterMaxAttemptsAndDeliversTheOthers()
    {
        var messages = await SeedMilestonesAsync(6);
        var poisoned = messages[2];
        _probe.AlwaysFail = poisoned;
        var dispatcher = NewDispatcher();

        for (var round = 0; round < _options.MaxAttempts; round++)
        {
            await dispatcher.DrainAsync(CancellationToken.None);
            _clock.Advance(TimeSpan.FromHours(1));
        }

        await using var db = _database.NewContext();
        var parked = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == poisoned);
        Assert.Equal(OutboxStatus.Parked, parked.Status);
        Assert.Equal(_options.MaxAttempts, parked.Attempts);
        Assert.Contains("poisoned", parked.LastError, StringComparison.Ordinal);
        Assert.Equal(0, await CountEffectsAsync(poisoned));
        foreach (var id in messages.Where(id => id != poisoned))
        {
            Assert.Equal(1, await CountEffectsAsync(id));
        }
    }

    private OutboxDispatcher NewDispatcher() =>
        new(_services.GetRequiredService<IServiceScopeFactory>(), Options.Create(_options), _clock, NullLogger<OutboxDispatcher>.Instance);

    /// <summary>Saves milestones through the interceptor; returns the ids of their MilestoneCreated outbox messages.</summary>
    private async Task<List<Guid>> SeedMilestonesAsync(int count)
    {
        var hire = new Hire(Moments.Now);
        for (var i = 0; i < count; i++)
        {
            hire.AddMilestone(Moments.Now);
        }

        await using var db = _database.NewContext(_clock);
        hire.AddTo(db);
        await db.SaveChangesAsync();
        return await db.OutboxMessages.Where(m => m.Type == nameof(MilestoneCreated)).Select(m => m.Id).ToListAsync();
    }

    private async Task<int> CountEffectsAsync(Guid messageId)
    {
        await using var db = _database.NewContext();
        var prefix = $"{SafetyRecordingHandler.Prefix}{messageId:N}";
        return await db.Set<ProcessedWebhookEvent>().CountAsync(e => e.EventId.StartsWith(prefix));
    }

    private async Task AssertAllProcessedAsync(IReadOnlyCollection<Guid> messages)
    {
        await using var db = _database.NewContext();
        var rows = await db.OutboxMessages.AsNoTracking().Where(m => messages.Contains(m.Id)).ToListAsync();
        Assert.All(rows, m => Assert.Equal((OutboxStatus.Processed, (string?)null), (m.Status, m.LockedBy)));
    }
}

/// <summary>What the recording handler saw, and what it must do next.</summary>
internal sealed class SafetyOutboxProbe
{
    private readonly ConcurrentDictionary<Guid, int> _deliveries = new();

    public Func<AppDbContext, Task>? DuringNextDelivery { get; set; }

    public Guid? AlwaysFail { get; set; }

    public int Deliveries(Guid messageId) => _deliveries.GetValueOrDefault(messageId);

    public void Delivered(Guid messageId) => _deliveries.AddOrUpdate(messageId, 1, (_, n) => n + 1);
}

/// <summary>A handler whose effect is a fresh row per delivery (nothing deduplicates it but the outbox's transaction).</summary>
internal sealed class SafetyRecordingHandler(AppDbContext db, SafetyOutboxProbe probe, TimeProvider clock) : IDomainEventHandler<MilestoneCreated>
{
    public const string Prefix = "safety-outbox:";

    public async Task HandleAsync(MilestoneCreated domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        probe.Delivered(context.EventId);
        if (probe.AlwaysFail == context.EventId)
        {
            throw new InvalidOperationException("poisoned message");
        }

        db.Add(new ProcessedWebhookEvent { EventId = $"{Prefix}{context.EventId:N}:{Guid.NewGuid():N}", Type = nameof(MilestoneCreated), ReceivedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
        if (probe.DuringNextDelivery is { } action)
        {
            probe.DuringNextDelivery = null;
            await action(db);
        }
    }
}
