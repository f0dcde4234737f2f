using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>Somebody holding a bearer token.</summary>
public sealed record Actor(Guid Id, string Role, string Token);

/// <summary>
/// Calls the API the way an integrator does: JSON over HTTP with a bearer token and, when given, an
/// <c>Idempotency-Key</c>. Methods named after an action (<c>FundAsync</c>) return the response as
/// it came; <c>...JsonAsync</c> and past-tense methods (<c>FundedAsync</c>) assert the expected
/// status and return the body. The scenario steps (users, hires, payouts) are in ApiClient.Scenarios.cs.
/// </summary>
public sealed partial class ApiClient(HttpClient http, ApiFactory host)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public HttpClient Http { get; } = http;

    public Task<HttpResponseMessage> GetAsync(string path, Actor? actor) => SendAsync(HttpMethod.Get, path, actor);

    public Task<HttpResponseMessage> PostAsync(string path, Actor? actor, object? body = null, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, actor, body, idempotencyKey);

    public Task<HttpResponseMessage> PatchAsync(string path, Actor? actor, object? body) => SendAsync(HttpMethod.Patch, path, actor, body);

    /// <summary>Sends <paramref name="body"/> as JSON (camelCase); no body at all when it is null.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Actor? actor, object? body = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: _json);
        }

        return SendAsync(request, actor, idempotencyKey);
    }

    /// <summary>Sends a request built by the caller (extra headers, any content), with the actor's token.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, Actor? actor, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (actor is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", actor.Token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return Http.SendAsync(request);
    }

    /// <summary>Sends <paramref name="content"/> byte for byte, for bodies no serializer would write.</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, Actor? actor, string content, string contentType = "application/json", string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(content, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = contentType.StartsWith("application/json", StringComparison.Ordinal) ? "utf-8" : null };
        return SendAsync(request, actor, idempotencyKey);
    }

    /// <summary>Sends any content, bytes included.</summary>
    public Task<HttpResponseMessage> SendContentAsync(HttpMethod method, string path, Actor? actor, HttpContent content) =>
        SendAsync(new HttpRequestMessage(method, path) { Content = content }, actor);

    /// <summary>Sends with whatever Authorization value is given (null: none), to test authentication itself.</summary>
    public Task<HttpResponseMessage> SendWithAuthorizationAsync(HttpMethod method, string path, string? authorization)
    {
        var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return Http.SendAsync(request);
    }

    /// <summary>GET, asserting <paramref name="expected"/>; returns the body.</summary>
    public async Task<JsonElement> GetJsonAsync(string path, Actor? actor, HttpStatusCode expected = HttpStatusCode.OK) =>
        await Expect.StatusAsync(await GetAsync(path, actor), expected);

    /// <summary>POST with <paramref name="body"/> (<c>{}</c> when null), asserting <paramref name="expected"/>; returns the body.</summary>
    public async Task<JsonElement> PostJsonAsync(string path, Actor? actor, object? body = null, HttpStatusCode expected = HttpStatusCode.OK) =>
        await Expect.StatusAsync(await PostAsync(path, actor, body ?? new { }), expected);

    /// <summary>Sends (a POST with <c>{}</c> when there is no body) and returns the status and the body, whatever they are.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAndReadAsync(HttpMethod method, string path, Actor? actor, object? body = null)
    {
        using var response = await SendAsync(method, path, actor, body ?? (method == HttpMethod.Post ? new { } : null));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
