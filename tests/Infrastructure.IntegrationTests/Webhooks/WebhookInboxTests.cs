using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Webhooks;

/// <summary>
/// The inbox on a real SQLite file through EF Core, each delivery in its own unit of work and context, as two requests
/// (or a request and the sweep) run them: an event id is claimed once, the claim commits with the effect or not at all.
/// </summary>
public sealed class WebhookInboxTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TestDatabase _database = TestDatabase.Create();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task TryRecord_WhileAnotherDeliveryHoldsTheSameEventUncommitted_WaitsAndAnswersDuplicateWithoutAConflict()
    {
        await using var firstDb = _database.NewContext();
        await using var secondDb = _database.NewContext();
        var claimed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = new UnitOfWork(firstDb).ExecuteAsync(
            async ct =>
            {
                var recorded = await Inbox(firstDb).TryRecordAsync("evt_same", "payment_intent.succeeded", ct);
                claimed.SetResult();
                await release.Task;
                return recorded;
            },
            CancellationToken.None);
        await claimed.Task.WaitAsync(Patience);

        // The second delivery reads and claims while the first has not committed yet (the race the sweep and a webhook run).
        var second = Task.Run(() => new UnitOfWork(secondDb).ExecuteAsync(ct => Inbox(secondDb).TryRecordAsync("evt_same", "payment_intent.succeeded", ct), CancellationToken.None));
        await Task.Delay(200);
        release.SetResult();

        Assert.True(await first.WaitAsync(Patience));
        Assert.False(await second.WaitAsync(Patience));
        await using var check = _database.NewContext();
        Assert.Equal("evt_same", Assert.Single(await check.Set<ProcessedWebhookEvent>().Select(e => e.EventId).ToListAsync()));
    }

    [Fact]
    public async Task TryRecord_ManyDeliveriesOfOneEventAtOnce_RecordItOnceAndNoneFails()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var db = _database.NewContext();
            return await new UnitOfWork(db).ExecuteAsync(ct => Inbox(db).TryRecordAsync("evt_burst", "charge.refunded", ct), CancellationToken.None);
        })));

        Assert.Single(outcomes, recorded => recorded);
        await using var check = _database.NewContext();
        Assert.Equal(1, await check.Set<ProcessedWebhookEvent>().CountAsync());
    }

    [Fact]
    public async Task TryRecord_WhenTheEffectFailsAfterTheClaim_RecordsNothingAndTheNextDeliveryAppliesIt()
    {
        await using var db = _database.NewContext();
        await Assert.ThrowsAsync<InvalidOperationException>(() => new UnitOfWork(db).ExecuteAsync<bool>(
            async ct =>
            {
                await Inbox(db).TryRecordAsync("evt_retry", "charge.refunded", ct);
                throw new InvalidOperationException("the effect failed");
            },
            CancellationToken.None));

        await using var next = _database.NewContext();
        Assert.True(await new UnitOfWork(next).ExecuteAsync(ct => Inbox(next).TryRecordAsync("evt_retry", "charge.refunded", ct), CancellationToken.None));
        var row = await next.Set<ProcessedWebhookEvent>().AsNoTracking().SingleAsync();
        Assert.Equal(("evt_retry", "charge.refunded", Moments.Now), (row.EventId, row.Type, row.ReceivedAt));
    }

    [Fact]
    public async Task FindRecorded_OverMoreIdsThanOneLookupNames_AnswersExactlyTheRecordedOnes()
    {
        await using (var seed = _database.NewContext())
        {
            seed.AddRange(Enumerable.Range(0, 1_200).Select(i => new ProcessedWebhookEvent { EventId = $"evt_{i:D5}", Type = "payment_intent.succeeded", ReceivedAt = Moments.Now }));
            await seed.SaveChangesAsync();
        }

        await using var db = _database.NewContext();
        var asked = Enumerable.Range(900, 600).Select(i => $"evt_{i:D5}").Append("EVT_00001").ToList();

        var recorded = await Inbox(db).FindRecordedAsync(asked, CancellationToken.None);

        Assert.Equal(Enumerable.Range(900, 300).Select(i => $"evt_{i:D5}").ToHashSet(), recorded.ToHashSet());
    }

    private static WebhookInbox Inbox(AppDbContext db) => new(db, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Moments.Now));
}
