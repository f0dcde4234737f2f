using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.IntegratorEvents;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

public sealed class OutboxInterceptorTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly FakeTimeProvider _clock = new(Moments.Now.AddMinutes(30));

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task SaveChanges_WhenAggregatesRaisedEvents_WritesOneOutboxRowPerEventAndClearsThem()
    {
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        Hire.Fund(milestone, Moments.Now.AddMinutes(1));
        IAggregateRoot[] aggregates = [hire.Job, hire.Contract, milestone];
        var raised = aggregates.SelectMany(a => a.DomainEvents).ToList();

        await using (var db = _database.NewContext(_clock))
        {
            hire.AddTo(db);
            await db.SaveChangesAsync();
        }

        Assert.All(aggregates, a => Assert.Empty(a.DomainEvents));
        await using var check = _database.NewContext();
        var rows = await check.OutboxMessages.ToListAsync();
        Assert.Equal(
            ["JobCreated", "MilestoneCreated", "MilestoneFunded", "MilestoneFundingStarted", "TrainerHired"],
            rows.Select(r => r.Type).Order(StringComparer.Ordinal));
        Assert.Equal(raised.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal((OutboxStatus.Pending, 0, _clock.GetUtcNow()), (r.Status, r.Attempts, r.NextAttemptAt)));
        var funded = rows.Single(r => r.Type == nameof(MilestoneFunded));
        Assert.Equal(Moments.Now.AddMinutes(1), funded.OccurredAt);
        using var payload = JsonDocument.Parse(funded.Payload);
        Assert.Equal(milestone.Id.Value, payload.RootElement.GetProperty("milestoneId").GetProperty("value").GetGuid());
        Assert.Equal("pi_1", payload.RootElement.GetProperty("paymentIntentId").GetString());
    }

    // Guards: decision 016: in the product the interceptor writes outbox rows only for events a handler is registered for;
    // the integrator feed still records every event of the save.
    [Fact]
    public async Task SaveChanges_WhenBuiltForTheRegisteredHandlers_WritesRowsOnlyForHandledEventsAndRecordsEveryIntegratorEvent()
    {
        var services = new ServiceCollection();
        services.AddScoped<IDomainEventHandler<MilestoneFunded>, IgnoringHandler>();
        services.AddScoped<IDomainEventHandler<TrainerHired>, IgnoringHandler>();
        using var provider = services.BuildServiceProvider();
        var interceptor = DomainEventsToOutboxInterceptor.ForHandlersOf(_clock, provider.GetRequiredService<IServiceProviderIsService>());
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        Hire.Fund(milestone, Moments.Now.AddMinutes(1));
        IAggregateRoot[] aggregates = [hire.Job, hire.Contract, milestone];

        await using (var db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite(_database.ConnectionString)
            .AddInterceptors(interceptor)
            .Options))
        {
            hire.AddTo(db);
            await db.SaveChangesAsync();
        }

        Assert.All(aggregates, a => Assert.Empty(a.DomainEvents));
        await using var check = _database.NewContext();
        Assert.Equal(
            [nameof(MilestoneFunded), nameof(TrainerHired)],
            (await check.OutboxMessages.Select(r => r.Type).ToListAsync()).Order(StringComparer.Ordinal));

        // The same save through the interceptor that writes every event: the feed is the same.
        var everyEvent = new Hire(Moments.Now);
        Hire.Fund(everyEvent.AddMilestone(Moments.Now), Moments.Now.AddMinutes(1));
        await using (var db = _database.NewContext(_clock))
        {
            everyEvent.AddTo(db);
            await db.SaveChangesAsync();
        }

        var feed = await check.Set<IntegratorEvent>().AsNoTracking().ToListAsync();
        Assert.Equal(
            feed.Where(e => e.ResourceId == everyEvent.Milestones[0].Id.Value || e.ResourceId == everyEvent.Contract.Id.Value).Select(e => e.Type).Order(StringComparer.Ordinal),
            feed.Where(e => e.ResourceId == milestone.Id.Value || e.ResourceId == hire.Contract.Id.Value).Select(e => e.Type).Order(StringComparer.Ordinal));
        Assert.Contains(feed, e => e.Type == "milestone.created" && e.ResourceId == milestone.Id.Value);
    }

    private sealed class IgnoringHandler : IDomainEventHandler<MilestoneFunded>, IDomainEventHandler<TrainerHired>
    {
        public Task HandleAsync(MilestoneFunded domainEvent, EventContext context, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task HandleAsync(TrainerHired domainEvent, EventContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task SaveChanges_WhenAnAggregateIsModified_BumpsItsVersionAndLeavesUnchangedOnesAlone()
    {
        var changed = new Hire(Moments.Now);
        var milestone = changed.AddMilestone(Moments.Now);
        var untouched = new Hire(Moments.Now, title: "Another job");
        await using (var db = _database.NewContext(_clock))
        {
            changed.AddTo(db);
            untouched.AddTo(db);
            await db.SaveChangesAsync();
        }

        Assert.Equal(0, milestone.Version);
        await using (var db = _database.NewContext(_clock))
        {
            var tracked = await db.Set<Milestone>().SingleAsync(m => m.Id == milestone.Id);
            _ = await db.Set<Job>().ToListAsync();
            tracked.Cancel(Parties.Employer, Moments.Now.AddHours(1));
            await db.SaveChangesAsync();
            Assert.Equal(1, tracked.Version);
        }

        await using var check = _database.NewContext();
        Assert.Equal(1, (await check.Set<Milestone>().SingleAsync(m => m.Id == milestone.Id)).Version);
        Assert.All(await check.Set<Job>().ToListAsync(), job => Assert.Equal(0, job.Version));
        Assert.Single(await check.OutboxMessages.Where(m => m.Type == nameof(MilestoneCancelled)).ToListAsync());
    }

    [Fact]
    public async Task SaveChanges_WhenNothingChanged_WritesNoOutboxRowAndKeepsTheVersion()
    {
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        await using (var db = _database.NewContext(_clock))
        {
            hire.AddTo(db);
            await db.SaveChangesAsync();
        }

        await using (var db = _database.NewContext(_clock))
        {
            _ = await db.Set<Milestone>().SingleAsync(m => m.Id == milestone.Id);
            Assert.Equal(0, await db.SaveChangesAsync());
        }

        await using var check = _database.NewContext();
        Assert.Equal(0, (await check.Set<Milestone>().SingleAsync()).Version);
        Assert.Equal(3, await check.OutboxMessages.CountAsync());
    }
}
