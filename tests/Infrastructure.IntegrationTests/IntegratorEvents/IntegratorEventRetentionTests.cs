using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Domain.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;
using OpenTrain.Clean.Infrastructure.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.IntegratorEvents;

public sealed class IntegratorEventRetentionTests : IDisposable
{
    private readonly ReleaseDataDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(Moments.Now);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task PurgeExpiredAsync_AfterThirtyDays_ForgetsTheOldEventsAndTheirDeliveriesAndKeepsTheRest()
    {
        await using var host = await ReleaseOutboxHost.StartAsync(_directory, _clock, new ReleaseDeliveryLog());
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Add(WebhookEndpoint.Create(Parties.Employer, 1, "https://hooks.example.com/a", ["*"], null, "whsec_a", Moments.Now));
            db.Add(Event(Moments.Now.AddMinutes(1)));
            db.Add(Event(Moments.Now.AddDays(2)));
            await db.SaveChangesAsync();
        }

        await host.Services.GetRequiredService<IntegratorEventPublisher>().PublishAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromHours(1));

        var purged = await host.Services.GetRequiredService<IntegratorEventRetention>().PurgeExpiredAsync(CancellationToken.None);

        Assert.Equal(1, purged);
        await using var check = host.Services.CreateAsyncScope();
        var remaining = check.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal([Moments.Now.AddDays(2)], await remaining.Set<IntegratorEvent>().Select(e => e.CreatedAt).ToListAsync());
        Assert.Equal(1, await remaining.Set<WebhookDelivery>().CountAsync());
    }

    private static IntegratorEvent Event(DateTimeOffset at) =>
        IntegratorEvent.Record(IntegratorEventId.New(), Parties.Employer, "milestone.funded", "milestone", Guid.NewGuid(), 0, at, "{}");
}
