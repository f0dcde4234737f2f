using System.Globalization;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Stripe;

/// <summary>
/// Reconciliation's read of Stripe's events (GET /v1/events), on the real Stripe.net client against the fake, which lists
/// like Stripe: newest first, 100 a page at most, <c>created[gte]</c>, <c>types[]</c>, <c>starting_after</c>.
/// </summary>
public sealed class StripeGatewayEventsTests
{
    [Fact]
    public async Task ListEventsAsync_When2500EventsFallInTheWindow_ReadsTheNewest1000AndGoesOnAfterThemUntilEveryEventIsListedOnce()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var since = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds());
        var before = Record(fake, since.AddSeconds(-1), 5, perSecond: 5);
        var events = Record(fake, since, 2_500, perSecond: 7);

        var first = await stripe.Gateway.ListEventsAsync(since, continueAfter: null, CancellationToken.None);
        var second = await stripe.Gateway.ListEventsAsync(since, first.ContinueAfter, CancellationToken.None);
        var third = await stripe.Gateway.ListEventsAsync(since, second.ContinueAfter, CancellationToken.None);

        Assert.Equal([true, true, false], new[] { first, second, third }.Select(p => p.Truncated));
        Assert.Equal([1000, 1000, 500], new[] { first, second, third }.Select(p => p.Events.Count));
        Assert.Null(third.ContinueAfter);
        // The newest first: the first read holds the newest 1,000, each next one the 1,000 before, oldest first within a read.
        Assert.Equal(events[^1000..].Select(e => e.Id), first.Events.Select(e => e.Event.EventId));
        Assert.Equal(events[^2000..^1000].Select(e => e.Id), second.Events.Select(e => e.Event.EventId));
        Assert.Equal(events[..500].Select(e => e.Id), third.Events.Select(e => e.Event.EventId));
        Assert.All(third.Events, e => Assert.IsType<TransferReversed>(e.Event));
        Assert.DoesNotContain(before.Select(e => e.Id), id => third.Events.Any(e => e.Event.EventId == id));

        var reads = fake.RequestsTo("GET", "/v1/events");
        Assert.Equal(25, reads.Count);
        Assert.All(reads, r => Assert.Equal(since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), r.Query["created[gte]"]));
        Assert.All(reads, r => Assert.Equal("100", r.Query["limit"]));
        Assert.All(reads, r => Assert.Contains(r.Query, q => q.Key.StartsWith("types[", StringComparison.Ordinal) && q.Value == "transfer.reversed"));
        Assert.DoesNotContain(reads, r => r.Query.Values.Contains("account.updated"));
        Assert.False(reads[0].Query.ContainsKey("starting_after"));
        Assert.Equal(first.ContinueAfter, reads[10].Query["starting_after"]);
        Assert.Equal(events[^1000].Id, first.ContinueAfter);
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task ListEventsAsync_WhenTheCapEndsInsideOneSecond_TheNextReadListsTheRestOfThatSecond()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        stripe.Options.MaxEventsPerSweep = 150;
        var since = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());
        var events = Record(fake, since, 320, perSecond: 320);

        var first = await stripe.Gateway.ListEventsAsync(since, continueAfter: null, CancellationToken.None);
        var second = await stripe.Gateway.ListEventsAsync(since, first.ContinueAfter, CancellationToken.None);
        var third = await stripe.Gateway.ListEventsAsync(since, second.ContinueAfter, CancellationToken.None);

        Assert.Equal([150, 150, 20], new[] { first, second, third }.Select(p => p.Events.Count));
        Assert.False(third.Truncated);
        var listed = new[] { first, second, third }.SelectMany(p => p.Events).Select(e => e.Event.EventId).ToList();
        Assert.Equal(events.Select(e => e.Id).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(["100", "50", "100", "50", "100"], fake.RequestsTo("GET", "/v1/events").Select(r => r.Query["limit"]));
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task FakeStripe_WhenAskedForEventsWithAParameterItDoesNotHonourOrAnUnknownCursor_RefusesWithA400()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);

        await Assert.ThrowsAsync<OpenTrain.Clean.Application.Abstractions.PaymentProviderException>(
            () => stripe.Gateway.ListEventsAsync(DateTimeOffset.UtcNow, "evt_unknown", CancellationToken.None));

        Assert.Contains(fake.Violations, v => v.Contains("No such event: 'evt_unknown'", StringComparison.Ordinal));
    }

    private static List<(string Id, DateTimeOffset Created)> Record(FakeStripeServer fake, DateTimeOffset from, int count, int perSecond)
    {
        var events = new List<(string, DateTimeOffset)>(count);
        for (var i = 0; i < count; i++)
        {
            var created = from.AddSeconds(i / perSecond);
            var transfer = FakeStripeObjects.Transfer($"tr_list{i:D5}", 1_000, "usd", "acct_list", null, null, FakeStripeObjects.Metadata([]));
            transfer["amount_reversed"] = 1_000;
            events.Add((fake.RecordEvent("transfer.reversed", transfer, created).Id, created));
        }

        return events;
    }
}
