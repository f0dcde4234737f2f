using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Api.FunctionalTests.Safety;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Api.FunctionalTests.Stripe;

/// <summary>
/// Reconciliation's event sweep through the real Stripe adapter against the fake Stripe (GET /v1/events newest first,
/// 100 a page, <c>starting_after</c>): when more events fall in a sweep's window than a sweep reads, the next sweeps read
/// the older rest before the cursor moves past them; every webhook that never arrived is applied once, none is skipped.
/// </summary>
public sealed class StripeEventSweepTests : IAsyncLifetime
{
    private FakeStripeServer _stripe = null!;

    public async Task InitializeAsync() => _stripe = await FakeStripeServer.StartAsync();

    public async Task DisposeAsync() => await _stripe.DisposeAsync();

    [Fact]
    public async Task Sweep_WhenOneWindowHolds2500LostEventsAndASweepReads1000_AppliesEveryOneOverThreeSweepsAndTheCursorNeverPassesAnUnreadOne()
    {
        await using var factory = Host();
        // 2,500 events over 12 minutes, 7 of each second (a page of 100 ends inside a second), none delivered as a webhook.
        var events = Record(factory.Clock.GetUtcNow().AddMinutes(-12), 2_500, perSecond: 7, secondsApart: 2);

        for (var sweep = 1; sweep <= 3; sweep++)
        {
            await factory.RunReconciliationJobAsync();
            await AssertCursorBehindEveryUnappliedAsync(factory, events);
        }

        var recorded = await RecordedAsync(factory);
        Assert.Empty(events.Select(e => e.Id).Except(recorded));
        var reads = _stripe.RequestsTo("GET", "/v1/events");
        Assert.Equal(25, reads.Count);
        Assert.All(reads, r => Assert.True(int.Parse(r.Query["limit"], System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 100, r.ToString()));
        Assert.Empty(_stripe.Violations);
        Assert.Single(reads.Select(r => r.Query["created[gte]"]).Distinct());

        // The window read, the cursor moves on to the newest minus the overlap: the next sweep reads only from there.
        var before = _stripe.LastSequence;
        await factory.RunReconciliationJobAsync();
        var next = _stripe.RequestsSince(before).Where(r => r.Is("GET", "/v1/events")).ToList();
        Assert.Equal(
            (events[^1].Created - ProviderEventSweep.Overlap).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            next[0].Query["created[gte]"]);
        Assert.Equal(events.Count, (await RecordedAsync(factory)).Count);
    }

    [Fact]
    public async Task Sweep_WhenAnEventFailsOrTheListingFailsMidBacklog_ReadsOnFromWhereItWasAndAppliesEveryEventOnce()
    {
        var faults = new SafetyFaults();
        await using var factory = Host(faults, maxEventsPerSweep: 100);
        var events = Record(factory.Clock.GetUtcNow().AddMinutes(-20), 330, perSecond: 3, secondsApart: 10);

        await factory.RunReconciliationJobAsync();
        var firstRead = _stripe.RequestsTo("GET", "/v1/events")[^1];
        Assert.False(firstRead.Query.ContainsKey("starting_after"));

        // The backlog's first read fails at Stripe: the next sweep asks again from the same place.
        _stripe.FailNext(FakeStripeFailure.ApiError, "GET", "/v1/events");
        await factory.RunReconciliationJobAsync();
        await factory.RunReconciliationJobAsync();
        var afterFailure = _stripe.RequestsTo("GET", "/v1/events").TakeLast(2).ToList();
        Assert.Equal([500, 200], afterFailure.Select(r => r.Status));
        Assert.Equal(events[^100].Id, afterFailure[0].Query["starting_after"]);
        Assert.Equal(afterFailure[0].Query["starting_after"], afterFailure[1].Query["starting_after"]);

        // The third event applied in the next read fails (its transaction rolls back): the others go on, it is read again.
        faults.FailUnitOfWorkCall(3);
        await factory.RunReconciliationJobAsync();
        // That read held events 30 to 129 (the backlog's second part); the older 30 are still to read.
        var missing = Assert.Single(events.Skip(30).Select(e => e.Id).Except(await RecordedAsync(factory)));
        Assert.Equal(events[32].Id, missing);
        await AssertCursorBehindEveryUnappliedAsync(factory, events);

        for (var sweep = 0; sweep < 6 && (await RecordedAsync(factory)).Count < events.Count; sweep++)
        {
            await factory.RunReconciliationJobAsync();
            await AssertCursorBehindEveryUnappliedAsync(factory, events);
        }

        var recorded = await RecordedAsync(factory);
        Assert.Contains(missing, recorded);
        Assert.Empty(events.Select(e => e.Id).Except(recorded));
        Assert.Empty(_stripe.Violations);
    }

    [Fact]
    public async Task Sweep_WhenMoreEventsShareOneSecondThanASweepReads_AppliesThemAllAcrossSweeps()
    {
        await using var factory = Host(maxEventsPerSweep: 100);
        var events = Record(factory.Clock.GetUtcNow().AddMinutes(-1), 250, perSecond: 250, secondsApart: 1);
        Assert.Single(events.Select(e => e.Created).Distinct());

        for (var sweep = 0; sweep < 3; sweep++)
        {
            await factory.RunReconciliationJobAsync();
        }

        Assert.Empty(events.Select(e => e.Id).Except(await RecordedAsync(factory)));
        Assert.Equal(3, _stripe.RequestsTo("GET", "/v1/events").Count);
    }

    private ApiFactory Host(SafetyFaults? faults = null, int? maxEventsPerSweep = null) => ApiFactory.Create(new ApiHostOptions
    {
        StripeServer = _stripe,
        Faults = faults,
        Settings = maxEventsPerSweep is { } cap
            ? new Dictionary<string, string?> { ["Stripe:MaxEventsPerSweep"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : new Dictionary<string, string?>(),
    });

    /// <summary>Stripe records transfer.reversed events (for transfers none of ours: applied as ignored, recorded once) and delivers none.</summary>
    private List<(string Id, DateTimeOffset Created)> Record(DateTimeOffset from, int count, int perSecond, int secondsApart)
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(from.ToUnixTimeSeconds());
        var events = new List<(string, DateTimeOffset)>(count);
        for (var i = 0; i < count; i++)
        {
            var created = start.AddSeconds(i / perSecond * secondsApart);
            var transfer = FakeStripeObjects.Transfer($"tr_sweep{i:D5}", 1_000, "usd", "acct_sweep", null, null, FakeStripeObjects.Metadata([]));
            transfer["amount_reversed"] = 1_000;
            events.Add((_stripe.RecordEvent("transfer.reversed", transfer, created).Id, created));
        }

        return events;
    }

    private static Task<List<string>> RecordedAsync(ApiFactory factory) =>
        factory.QueryAsync(db => db.Set<ProcessedWebhookEvent>().Select(e => e.EventId).ToListAsync());

    /// <summary>No event still unapplied lies before where the sweep will read from next (its backlog's start, else its cursor).</summary>
    private static async Task AssertCursorBehindEveryUnappliedAsync(ApiFactory factory, List<(string Id, DateTimeOffset Created)> events)
    {
        var cursor = factory.Services.GetRequiredService<ProviderEventCursor>().Current;
        var readsFrom = cursor.Backlog?.Since ?? cursor.Since;
        Assert.NotNull(readsFrom);
        var recorded = (await RecordedAsync(factory)).ToHashSet(StringComparer.Ordinal);
        var skipped = events.Where(e => !recorded.Contains(e.Id) && e.Created < readsFrom).ToList();
        Assert.True(skipped.Count == 0, $"{skipped.Count} unapplied events lie before {readsFrom:O}, e.g. {skipped.FirstOrDefault()}");
    }
}
