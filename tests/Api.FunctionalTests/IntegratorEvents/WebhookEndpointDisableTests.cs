using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.IntegratorEvents;

/// <summary>An endpoint that keeps failing is switched off and its owner told; enabled again, a redelivery goes through.</summary>
public sealed class WebhookEndpointDisableTests(IntegratorEventsHost host) : IClassFixture<IntegratorEventsHost>
{
    private readonly ApiClient _api = host.CreateApiClient();

    [Fact]
    public async Task Endpoint_WhenTenDeliveriesInARowFail_IsDisabledItsPendingDeliveriesFailAndItsOwnerIsNotified()
    {
        await using var receiver = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        receiver.Respond = (_, _) => Task.FromResult(500);
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var endpoint = await _api.RegisterAsync(employer, receiver, "contract.created");

        // Ten hires, one contract.created each; the eleventh comes later and is still pending when the tenth fails.
        for (var hire = 0; hire < 10; hire++)
        {
            await _api.HireOnNewJobAsync(employer, trainer);
        }

        await host.DeliverAsync();
        foreach (var wait in new[] { 1, 5, 30 })
        {
            await host.AdvanceAndDeliverAsync(TimeSpan.FromMinutes(wait));
        }

        await _api.HireOnNewJobAsync(employer, trainer);
        await host.AdvanceAndDeliverAsync(TimeSpan.FromMinutes(120));

        var disabled = await _api.EndpointAsync(employer, endpoint);
        Assert.Equal(("disabled", "consecutive_failures"), (disabled.Str("status"), disabled.Str("disabledReason")));
        Assert.Equal(10, disabled.Get("consecutiveFailures").GetInt32());
        Assert.Equal(host.Clock.GetUtcNow(), disabled.Get("disabledAt").GetDateTimeOffset());
        var log = await _api.DeliveriesAsync(employer, endpoint);
        Assert.Equal(11, log.Count);
        Assert.All(log, d => Assert.Equal("failed", d.Str("status")));
        Assert.Equal(10, log.Count(d => d.Get("attempts").GetInt32() == 5));

        await host.DrainOutboxAsync();
        var notifications = (await _api.GetJsonAsync("/api/v1/notifications", employer)).Items();
        var notice = Assert.Single(notifications, n => n.Str("kind") == "webhook_endpoint_disabled");
        Assert.Contains(receiver.Url, notice.Str("body"), StringComparison.Ordinal);

        // Disabled: nothing more is sent, new events included.
        var sent = receiver.Received.Count;
        await _api.HireOnNewJobAsync(employer, trainer);
        await host.AdvanceAndDeliverAsync(TimeSpan.FromHours(3));
        Assert.Equal(sent, receiver.Received.Count);
    }

    [Fact]
    public async Task Redeliver_AfterTheEndpointIsEnabledAgain_SendsTheSameDeliveryAgainAndItSucceeds()
    {
        await using var receiver = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        receiver.Respond = (_, _) => Task.FromResult(500);
        var employer = await _api.EmployerAsync();
        var endpoint = await _api.RegisterAsync(employer, receiver, "contract.created");
        await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());
        await host.DeliverAsync();
        foreach (var wait in new[] { 1, 5, 30, 120 })
        {
            await host.AdvanceAndDeliverAsync(TimeSpan.FromMinutes(wait));
        }

        var failed = Assert.Single(await _api.DeliveriesAsync(employer, endpoint));
        Assert.Equal("failed", failed.Str("status"));
        await _api.PatchAsync($"/api/v1/webhook-endpoints/{endpoint}", employer, new { status = "disabled" });
        var refused = await _api.PostAsync($"/api/v1/webhook-endpoints/{endpoint}/deliveries/{failed.Id()}/redeliver", employer, new { });
        await Expect.ProblemAsync(refused, HttpStatusCode.Conflict, "webhook_endpoint_disabled");

        await Expect.StatusAsync(await _api.PatchAsync($"/api/v1/webhook-endpoints/{endpoint}", employer, new { status = "active" }), HttpStatusCode.OK);
        receiver.Respond = (_, _) => Task.FromResult(204);
        var requeued = await _api.PostJsonAsync($"/api/v1/webhook-endpoints/{endpoint}/deliveries/{failed.Id()}/redeliver", employer, expected: HttpStatusCode.Accepted);
        Assert.Equal(("pending", 0), (requeued.Str("status"), requeued.Get("attempts").GetInt32()));
        await host.DeliverAsync();

        var again = receiver.Received[^1];
        Assert.Equal((failed.Id().ToString(), 204), (again.DeliveryId, again.Answered));
        Assert.True(again.SignatureValid);
        var delivered = Assert.Single(await _api.DeliveriesAsync(employer, endpoint));
        Assert.Equal(("delivered", 1, 6), (delivered.Str("status"), delivered.Get("attempts").GetInt32(), delivered.Items("history").Count));
    }

    [Fact]
    public async Task Redeliver_AnotherAccountsDelivery_Answers404()
    {
        await using var receiver = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        var employer = await _api.EmployerAsync();
        var endpoint = await _api.RegisterAsync(employer, receiver, "contract.created");
        await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());
        await host.DeliverAsync();
        var delivery = Assert.Single(await _api.DeliveriesAsync(employer, endpoint));
        var stranger = await _api.EmployerAsync();

        var response = await _api.PostAsync($"/api/v1/webhook-endpoints/{endpoint}/deliveries/{delivery.Id()}/redeliver", stranger, new { });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.Single(receiver.Received);
    }
}
