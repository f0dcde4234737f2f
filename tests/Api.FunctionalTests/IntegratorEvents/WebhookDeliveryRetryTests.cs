using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.IntegratorEvents;

/// <summary>What a failed attempt leads to: the retry schedule on the fake clock, timeouts, and the end of a delivery.</summary>
public sealed class WebhookDeliveryRetryTests(IntegratorEventsHost host) : IClassFixture<IntegratorEventsHost>
{
    private readonly ApiClient _api = host.CreateApiClient();

    [Fact]
    public async Task Delivery_WhenTheReceiverAnswers500ThenOk_RetriesAfterOneMinuteWithTheSameDeliveryId()
    {
        await using var receiver = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        var employer = await _api.EmployerAsync();
        var endpoint = await _api.RegisterAsync(employer, receiver, "contract.created");
        receiver.AnswerInTurn(500);
        await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());

        await host.DeliverAsync();
        await host.AdvanceAndDeliverAsync(TimeSpan.FromSeconds(59));

        var first = Assert.Single(receiver.Received);
        Assert.Equal(500, first.Answered);
        var pending = Assert.Single(await _api.DeliveriesAsync(employer, endpoint));
        Assert.Equal(("pending", 1, 500), (pending.Str("status"), pending.Get("attempts").GetInt32(), pending.Get("lastResponseStatus").GetInt32()));
        Assert.Equal(host.Clock.GetUtcNow().AddSeconds(1), pending.Get("nextAttemptAt").GetDateTimeOffset());

        await host.AdvanceAndDeliverAsync(TimeSpan.FromSeconds(1));

        Assert.Equal([500, 200], receiver.Received.Select(r => r.Answered));
        Assert.Equal(first.DeliveryId, receiver.Received[1].DeliveryId);
        Assert.Equal(first.Body, receiver.Received[1].Body);
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));
        var delivered = Assert.Single(await _api.DeliveriesAsync(employer, endpoint));
        Assert.Equal(("delivered", 2), (delivered.Str("status"), delivered.Get("attempts").GetInt32()));
        Assert.Equal([500, 200], delivered.Items("history").Select(a => a.Get("responseStatus").GetInt32()));
        Assert.Equal(0, (await _api.EndpointAsync(employer, endpoint)).Get("consecutiveFailures").GetInt32());
    }

    [Fact]
    public async Task Delivery_WhenTheReceiverDoesNotAnswerInTime_CountsAFailedAttemptAndTriesAgainLater()
    {
        await using var receiver = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        var slowOnce = 1;
        receiver.Respond = async (_, ct) =>
        {
            if (Interlocked.Exchange(ref slowOnce, 0) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
            }

            return 200;
        };
        var employer = await _api.EmployerAsync();
        var endpoint = await _api.RegisterAsync(employer, receiver, "contract.created");
        await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());

        await host.DeliverAsync();

        var timedOut = Assert.Single(await _api.DeliveriesAsync(employer, endpoint));
        Assert.Equal("pending", timedOut.Str("status"));
        Assert.True(timedOut.IsNull("lastResponseStatus"), "a timeout has no response status");
        Assert.Contains("No answer within 1 s", timedOut.Str("lastError"), StringComparison.Ordinal);
        Assert.InRange(timedOut.Get("lastLatencyMs").GetInt32(), 900, 2900);

        await host.AdvanceAndDeliverAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("delivered", (await _api.DeliveriesAsync(employer, endpoint))[0].Str("status"));
    }

    [Fact]
    public async Task Delivery_WhenEveryAttemptFails_TriesAtOneFiveThirtyAndOneHundredTwentyMinutesThenFails()
    {
        await using var receiver = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        receiver.Respond = (_, _) => Task.FromResult(503);
        var employer = await _api.EmployerAsync();
        var endpoint = await _api.RegisterAsync(employer, receiver, "contract.created");
        await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());
        await host.DeliverAsync();

        foreach (var wait in new[] { 1, 5, 30, 120 })
        {
            var before = receiver.Received.Count;
            await host.AdvanceAndDeliverAsync(TimeSpan.FromMinutes(wait) - TimeSpan.FromSeconds(1));
            Assert.Equal(before, receiver.Received.Count);
            await host.AdvanceAndDeliverAsync(TimeSpan.FromSeconds(1));
            Assert.Equal(before + 1, receiver.Received.Count);
        }

        employer = await _api.RefreshedAsync(employer);
        var failed = Assert.Single(await _api.DeliveriesAsync(employer, endpoint));
        Assert.Equal(("failed", 5), (failed.Str("status"), failed.Get("attempts").GetInt32()));
        Assert.True(failed.IsNull("nextAttemptAt"));
        Assert.Single(receiver.Received.Select(r => r.DeliveryId).Distinct());
        await host.AdvanceAndDeliverAsync(TimeSpan.FromDays(1));
        employer = await _api.RefreshedAsync(employer);
        Assert.Equal(5, receiver.Received.Count);
        Assert.Equal(1, (await _api.EndpointAsync(employer, endpoint)).Get("consecutiveFailures").GetInt32());
    }

    [Fact]
    public async Task Delivery_WhenTheReceiverRedirects_DoesNotFollowAndCountsAFailure()
    {
        await using var receiver = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        receiver.AnswerInTurn(307);
        var employer = await _api.EmployerAsync();
        var endpoint = await _api.RegisterAsync(employer, receiver, "contract.created");
        await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());

        await host.DeliverAsync();

        Assert.Single(receiver.Received);
        var delivery = Assert.Single(await _api.DeliveriesAsync(employer, endpoint));
        Assert.Equal(("pending", 307), (delivery.Str("status"), delivery.Get("lastResponseStatus").GetInt32()));
    }
}
