using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Infrastructure.IntegratorEvents;

namespace OpenTrain.Clean.Api.FunctionalTests.IntegratorEvents;

/// <summary>Several workers and slow receivers: never two requests to one endpoint at once, and nobody waits for a slow one.</summary>
public sealed class WebhookDeliveryWorkersTests(IntegratorEventsHost host) : IClassFixture<IntegratorEventsHost>
{
    private readonly ApiClient _api = host.CreateApiClient();

    [Fact]
    public async Task Delivery_WithTwoWorkersAtOnce_SendsEachDeliveryOnceAndNeverTwoToOneEndpointAtATime()
    {
        await using var receiver = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        receiver.Respond = async (_, ct) =>
        {
            await Task.Delay(20, ct);
            return 200;
        };
        var employer = await _api.EmployerAsync();
        await _api.RegisterAsync(employer, receiver);
        var trainer = await _api.TrainerAsync();
        for (var hire = 0; hire < 4; hire++)
        {
            await _api.HireOnNewJobAsync(employer, trainer);
        }

        await host.DrainOutboxAsync();
        await host.Services.GetRequiredService<IntegratorEventPublisher>().PublishAsync(CancellationToken.None);
        var otherWorker = ActivatorUtilities.CreateInstance<WebhookDeliveryDispatcher>(host.Services);
        await using (otherWorker)
        {
            await Task.WhenAll(
                Task.Run(() => host.Dispatcher.DeliverDueAsync(CancellationToken.None)),
                Task.Run(() => otherWorker.DeliverDueAsync(CancellationToken.None)));
        }

        var feed = await _api.FeedAsync(employer);
        Assert.Equal(feed.Count, receiver.Received.Count);
        Assert.Equal(feed.Count, receiver.Received.Select(r => r.DeliveryId).Distinct().Count());
        Assert.Equal(1, receiver.MaxInFlight);
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));
    }

    [Fact]
    public async Task Delivery_WhenOneReceiverHangs_TheOtherEndpointsAreServedMeanwhile()
    {
        await using var stuck = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        await using var healthy = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stuck.Respond = async (_, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return 200;
        };
        var slowOwner = await _api.EmployerAsync();
        var fastOwner = await _api.EmployerAsync();
        await _api.RegisterAsync(slowOwner, stuck);
        await _api.RegisterAsync(fastOwner, healthy);
        var trainer = await _api.TrainerAsync();
        await _api.HireOnNewJobAsync(slowOwner, trainer);
        await _api.HireOnNewJobAsync(fastOwner, trainer);
        await host.DrainOutboxAsync();
        await host.Services.GetRequiredService<IntegratorEventPublisher>().PublishAsync(CancellationToken.None);
        var expected = (await _api.FeedAsync(fastOwner)).Count;

        Assert.Equal(2, await host.Dispatcher.StartDueAsync(CancellationToken.None));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (healthy.Received.Count < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(expected, healthy.Received.Count);
        Assert.DoesNotContain(stuck.Received, r => r.Answered == 200);
        gate.SetResult();
        await host.Dispatcher.WhenIdleAsync();
        await host.AdvanceAndDeliverAsync(TimeSpan.FromHours(3));
        Assert.Equal((await _api.FeedAsync(slowOwner)).Count, stuck.Received.Where(r => r.Answered == 200).Select(r => r.DeliveryId).Distinct().Count());
    }
}
