using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenTrain.Clean.Bench.Driver;

/// <summary>Somebody holding a bearer token from POST /dev/token.</summary>
internal sealed record Actor(Guid Id, string Role, string Token);

/// <summary>The API as an integrator calls it: JSON over HTTP on loopback, with a bearer token.</summary>
internal sealed class Api : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public Api(string baseUrl, int connections = 64)
    {
        var uri = new Uri(baseUrl);
        if (!IPAddress.TryParse(uri.Host, out var address) ? uri.Host != "localhost" : !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"The driver only talks to loopback, not {uri.Host}.");
        }

        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = uri,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public static async Task<bool> WaitUntilUpAsync(string url, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(url));
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        Figures.Log($"{url} did not answer within {timeout.TotalSeconds} s");
        return false;
    }

    public async Task<Actor> TokenAsync(string role, string name)
    {
        var body = await SendAsync(HttpMethod.Post, "/dev/token", null, new { role, name }, HttpStatusCode.OK);
        return new Actor(body["userId"]!.GetValue<Guid>(), role, body["accessToken"]!.GetValue<string>());
    }

    /// <summary>An employer, signed in, paying with pm_card_visa.</summary>
    public async Task<Actor> EmployerAsync(string name)
    {
        var employer = await TokenAsync("employer", name);
        await SendAsync(HttpMethod.Get, "/api/v1/me", employer, null, HttpStatusCode.OK);
        await SendAsync(HttpMethod.Post, "/api/v1/billing/payment-methods", employer, new { paymentMethodId = "pm_card_visa" }, HttpStatusCode.OK);
        return employer;
    }

    /// <summary>A trainer, signed in, with payout setup finished on the simulator's onboarding page.</summary>
    public async Task<Actor> TrainerWithPayoutsAsync(string name)
    {
        var trainer = await TokenAsync("trainer", name);
        await SendAsync(HttpMethod.Get, "/api/v1/me", trainer, null, HttpStatusCode.OK);
        await SendAsync(HttpMethod.Post, "/api/v1/payouts/account", trainer, new { country = "US" }, HttpStatusCode.OK);
        var link = await SendAsync(HttpMethod.Post, "/api/v1/payouts/account/onboarding-link", trainer, null, HttpStatusCode.OK);

        // The link names Payments:PublicBaseUrl; the page itself is on this API, and takes the link's token (its query).
        var url = new Uri(link["url"]!.GetValue<string>());
        var path = url.AbsolutePath;
        using var response = await _http.PostAsync(new Uri(path + "/complete" + url.Query, UriKind.Relative), null);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"POST {path}/complete answered {(int)response.StatusCode}");
        }

        var account = await SendAsync(HttpMethod.Get, "/api/v1/payouts/account", trainer, null, HttpStatusCode.OK);
        if (account["payoutsEnabled"]?.GetValue<bool>() != true)
        {
            throw new InvalidOperationException($"Payout setup did not finish: {account.ToJsonString()}");
        }

        return trainer;
    }

    public async Task<Guid> CreateJobAsync(Actor employer, string title) =>
        (await SendAsync(HttpMethod.Post, "/api/v1/jobs", employer, new { title }, HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    /// <summary>Sends JSON and returns the parsed body; any other status than <paramref name="expected"/> throws.</summary>
    public async Task<JsonNode> SendAsync(HttpMethod method, string path, Actor? actor, object? body, HttpStatusCode expected)
    {
        var (status, node) = await TrySendAsync(method, path, actor, body);
        if (status != expected)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)status}, expected {(int)expected}: {node?.ToJsonString()}");
        }

        return node ?? new JsonObject();
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> TrySendAsync(HttpMethod method, string path, Actor? actor, object? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        }

        if (actor is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", actor.Token);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? node = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            node = JsonNode.Parse(text);
        }

        return (response.StatusCode, node);
    }

    public void Dispose() => _http.Dispose();
}
