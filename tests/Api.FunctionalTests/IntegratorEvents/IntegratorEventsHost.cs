using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Infrastructure.IntegratorEvents;

namespace OpenTrain.Clean.Api.FunctionalTests.IntegratorEvents;

/// <summary>
/// The events host: no job runs by itself (the tests publish and deliver, as the worker's jobs do on
/// each tick), on a fake clock that dev tokens follow, so a test can step through the retry schedule.
/// Deliveries time out after 1 s here (10 s by default) so a slow receiver costs the suite little.
/// </summary>
public class IntegratorEventsHost() : ApiFactory(HostOptions)
{
    public static ApiHostOptions HostOptions => new()
    {
        TokensFollowClock = true,
        RateLimiting = false,
        Settings = new Dictionary<string, string?>
        {
            ["IntegratorEvents:DeliveryTimeout"] = "00:00:01",
            ["IntegratorEvents:EndpointLease"] = "00:00:30",
        },
    };

    public WebhookDeliveryDispatcher Dispatcher => Services.GetRequiredService<WebhookDeliveryDispatcher>();

    /// <summary>What the worker's jobs do: the outbox, then publishing, then every due delivery until none is left.</summary>
    public async Task DeliverAsync()
    {
        await DrainOutboxAsync();
        await Services.GetRequiredService<IntegratorEventPublisher>().PublishAsync(CancellationToken.None);
        await Dispatcher.DeliverDueAsync(CancellationToken.None);
    }

    /// <summary>Moves the clock and delivers what fell due.</summary>
    public async Task AdvanceAndDeliverAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await DeliverAsync();
    }
}

/// <summary>Registering endpoints and reading the feed and the delivery log, as an integrator does.</summary>
internal static class IntegratorEventSteps
{
    /// <summary>Registers <paramref name="receiver"/> for <paramref name="eventTypes"/> (all by default) and gives it the secret.</summary>
    public static async Task<Guid> RegisterAsync(this ApiClient api, Actor owner, WebhookReceiver receiver, params string[] eventTypes)
    {
        var created = await api.PostJsonAsync(
            "/api/v1/webhook-endpoints", owner, new { url = receiver.Url, eventTypes = eventTypes.Length == 0 ? ["*"] : eventTypes }, HttpStatusCode.Created);
        receiver.Secrets.Add(created.Str("secret")!);
        return created.Id("webhookEndpoint.id");
    }

    /// <summary>Every event of the feed for <paramref name="actor"/>, page after page, in the feed's order.</summary>
    public static async Task<IReadOnlyList<JsonElement>> FeedAsync(this ApiClient api, Actor actor, string query = "", int limit = 7)
    {
        var events = new List<JsonElement>();
        string? after = null;
        while (true)
        {
            var page = await api.GetJsonAsync($"/api/v1/events?limit={limit}{query}{(after is null ? string.Empty : $"&startingAfter={after}")}", actor);
            events.AddRange(page.Items());
            if (!page.Get("hasMore").GetBoolean())
            {
                return events;
            }

            after = page.Str("nextCursor");
        }
    }

    public static async Task<IReadOnlyList<JsonElement>> DeliveriesAsync(this ApiClient api, Actor owner, Guid endpointId, string query = "") =>
        (await api.GetJsonAsync($"/api/v1/webhook-endpoints/{endpointId}/deliveries?limit=100{query}", owner)).Items();

    /// <summary>A fresh token for the same user (dev tokens expire; the tests move the clock by hours and days).</summary>
    public static Task<Actor> RefreshedAsync(this ApiClient api, Actor actor) => api.TokenAsync(actor.Role, actor.Id);

    public static Task<JsonElement> EndpointAsync(this ApiClient api, Actor owner, Guid endpointId) =>
        api.GetJsonAsync($"/api/v1/webhook-endpoints/{endpointId}", owner);

    /// <summary>Structural JSON equality (member order aside).</summary>
    public static bool SameJson(JsonElement left, JsonElement right) => JsonElement.DeepEquals(left, right);
}
