using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;
using OpenTrain.Clean.Infrastructure.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.IntegratorEvents;

/// <summary>Feed positions and the deliveries they queue, with several publishers on one database file.</summary>
public sealed class IntegratorEventPublisherTests : IDisposable
{
    private readonly ReleaseDataDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(Moments.Now);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task PublishAsync_WhenThreePublishersRunAtOnce_GivesEveryEventOnePositionWithNoGapAndOneDelivery()
    {
        var hosts = new List<ReleaseOutboxHost>();
        for (var i = 0; i < 3; i++)
        {
            hosts.Add(await ReleaseOutboxHost.StartAsync(_directory, _clock, new ReleaseDeliveryLog(), new Dictionary<string, string?> { ["IntegratorEvents:PublishBatchSize"] = "25" }));
        }

        try
        {
            var endpoint = WebhookEndpoint.Create(Parties.Employer, 1, "https://hooks.example.com/a", ["*"], null, "whsec_a", Moments.Now);
            await AddAsync(hosts[0], endpoint);
            _clock.Advance(TimeSpan.FromSeconds(1));
            await AddAsync(hosts[0], [.. Enumerable.Range(0, 300).Select(i => NewEvent(Parties.Employer, "milestone.funded", _clock.GetUtcNow().AddTicks(i)))]);

            var published = await Task.WhenAll(hosts.Select(h => Task.Run(() => h.Services.GetRequiredService<IntegratorEventPublisher>().PublishAsync(CancellationToken.None))));

            Assert.Equal(300, published.Sum());
            var (events, deliveries) = await StateAsync(hosts[0]);
            Assert.Equal(Enumerable.Range(1, 300).Select(p => (long?)p), events.Select(e => e.Position).Order());
            Assert.Equal(300, deliveries.Count);
            Assert.Equal(events.Select(e => e.Id.Value).Order(), deliveries.Select(d => d.EventId.Value).Order());
            Assert.All(deliveries, d => Assert.Equal(events.Single(e => e.Id == d.EventId).Position, d.EventPosition));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task PublishAsync_ForEachEvent_QueuesDeliveriesOnlyToTheRecipientsActiveSubscribedEndpointsRegisteredBeforeIt()
    {
        await using var host = await ReleaseOutboxHost.StartAsync(_directory, _clock, new ReleaseDeliveryLog());
        var everything = WebhookEndpoint.Create(Parties.Employer, 1, "https://hooks.example.com/all", ["*"], null, "whsec_a", Moments.Now);
        var payoutsOnly = WebhookEndpoint.Create(Parties.Employer, 2, "https://hooks.example.com/payouts", ["payout.paid"], null, "whsec_b", Moments.Now);
        var paused = WebhookEndpoint.Create(Parties.Employer, 3, "https://hooks.example.com/paused", ["*"], null, "whsec_c", Moments.Now);
        paused.Disable(Moments.Now);
        var somebodyElses = WebhookEndpoint.Create(Parties.OtherEmployer, 1, "https://hooks.example.com/other", ["*"], null, "whsec_d", Moments.Now);
        var registeredLater = WebhookEndpoint.Create(Parties.Employer, 4, "https://hooks.example.com/later", ["*"], null, "whsec_e", Moments.Now.AddMinutes(10));
        await AddAsync(host, everything, payoutsOnly, paused, somebodyElses, registeredLater);
        var funded = NewEvent(Parties.Employer, "milestone.funded", Moments.Now.AddMinutes(5));
        var paid = NewEvent(Parties.Employer, "payout.paid", Moments.Now.AddMinutes(6));
        var afterLater = NewEvent(Parties.Employer, "milestone.submitted", Moments.Now.AddMinutes(11));
        await AddAsync(host, funded, paid, afterLater);

        await host.Services.GetRequiredService<IntegratorEventPublisher>().PublishAsync(CancellationToken.None);

        var (_, deliveries) = await StateAsync(host);
        Assert.Equal(
            new HashSet<(WebhookEndpointId, IntegratorEventId)>
            {
                (everything.Id, funded.Id), (everything.Id, paid.Id), (everything.Id, afterLater.Id),
                (payoutsOnly.Id, paid.Id),
                (registeredLater.Id, afterLater.Id),
            },
            deliveries.Select(d => (d.EndpointId, d.EventId)).ToHashSet());
    }

    [Fact]
    public async Task PublishAsync_WhenEventsArriveAfterAPublish_PlacesThemAfterEveryEventAlreadyPublished()
    {
        await using var host = await ReleaseOutboxHost.StartAsync(_directory, _clock, new ReleaseDeliveryLog());
        var publisher = host.Services.GetRequiredService<IntegratorEventPublisher>();
        var first = NewEvent(Parties.Employer, "milestone.created", Moments.Now.AddMinutes(10));
        await AddAsync(host, first);
        await publisher.PublishAsync(CancellationToken.None);

        // Committed later but stamped earlier (another instance's clock is behind): it still goes after.
        var late = NewEvent(Parties.Employer, "milestone.funded", Moments.Now);
        await AddAsync(host, late);
        await publisher.PublishAsync(CancellationToken.None);

        var (events, _) = await StateAsync(host);
        Assert.Equal([first.Id, late.Id], events.OrderBy(e => e.Position).Select(e => e.Id));
    }

    [Fact]
    public void FeedOrder_WhenWritingOrderContradictsAResourcesSequence_FollowsTheSequenceInTheResourcesPlaces()
    {
        var resource = Guid.NewGuid();
        var other = Guid.NewGuid();
        var laterChange = NewEvent(Parties.Employer, "milestone.funded", Moments.Now, resource, sequence: 2000);
        var unrelated = NewEvent(Parties.Employer, "milestone.created", Moments.Now, other, sequence: 0);
        var earlierChange = NewEvent(Parties.Employer, "milestone.created", Moments.Now, resource, sequence: 1000);

        var ordered = IntegratorEventPublisher.FeedOrder([laterChange, unrelated, earlierChange]);

        Assert.Equal([earlierChange, unrelated, laterChange], ordered);
    }

    [Fact]
    public async Task PublishAsync_WhenEveryEventHasTheSameInstant_PublishesInTheOrderTheyWereWritten()
    {
        await using var host = await ReleaseOutboxHost.StartAsync(_directory, _clock, new ReleaseDeliveryLog());
        var written = Enumerable.Range(0, 20).Select(_ => NewEvent(Parties.Employer, "milestone.created", Moments.Now)).ToList();
        foreach (var integratorEvent in written)
        {
            await AddAsync(host, integratorEvent);
        }

        await host.Services.GetRequiredService<IntegratorEventPublisher>().PublishAsync(CancellationToken.None);

        var (events, _) = await StateAsync(host);
        Assert.Equal(written.Select(e => e.Id), events.OrderBy(e => e.Position).Select(e => e.Id));
    }

    private static IntegratorEvent NewEvent(UserId recipient, string type, DateTimeOffset createdAt, Guid? resourceId = null, long sequence = 0) =>
        IntegratorEvent.Record(IntegratorEventId.New(), recipient, type, "milestone", resourceId ?? Guid.NewGuid(), sequence, createdAt, "{}");

    private static async Task AddAsync(ReleaseOutboxHost host, params object[] entities)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.AddRange(entities);
        await db.SaveChangesAsync();
    }

    private static async Task<(List<IntegratorEvent> Events, List<WebhookDelivery> Deliveries)> StateAsync(ReleaseOutboxHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return (await db.Set<IntegratorEvent>().AsNoTracking().ToListAsync(), await db.Set<WebhookDelivery>().AsNoTracking().ToListAsync());
    }
}
