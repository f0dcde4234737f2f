using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenTrain.Clean.Api.FunctionalTests.IntegratorEvents;

/// <summary>One request as the receiver saw it, and what it made of the signature.</summary>
/// <param name="MatchedSecrets">The receiver's secrets that some <c>v1</c> of the signature was made with.</param>
public sealed record ReceivedDelivery(
    string DeliveryId,
    string EventType,
    string Signature,
    string Body,
    bool SignatureValid,
    IReadOnlyList<string> MatchedSecrets,
    int Answered,
    string? UserAgent)
{
    public JsonElement Event => JsonDocument.Parse(Body).RootElement;

    public string Type => Event.GetProperty("type").GetString()!;
}

/// <summary>
/// A webhook receiver: real Kestrel on 127.0.0.1 that checks every delivery's signature the way the
/// README tells integrators to (written here again, not borrowed from the API), answers what the test
/// scripts, and remembers everything, including how many requests were in flight at once.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedDelivery> _received = new();
    private readonly Func<DateTimeOffset> _now;
    private int _inFlight;
    private int _maxInFlight;

    private WebhookReceiver(WebApplication app, Func<DateTimeOffset> now)
    {
        _app = app;
        _now = now;
    }

    /// <summary>The secrets to verify with (the endpoint's, set after it is created; two during a roll).</summary>
    public IList<string> Secrets { get; } = new List<string>();

    /// <summary>Decides the answer to each request (the status; it may wait first). 200 by default.</summary>
    public Func<ReceivedDelivery, CancellationToken, Task<int>> Respond { get; set; } = (_, _) => Task.FromResult(200);

    public string Url { get; private set; } = string.Empty;

    public IReadOnlyList<ReceivedDelivery> Received => [.. _received];

    /// <summary>The most requests this receiver ever had in flight at the same moment.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <param name="now">The clock the sender signs with, for the 5-minute timestamp tolerance.</param>
    public static async Task<WebhookReceiver> StartAsync(Func<DateTimeOffset> now)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, now);
        app.MapPost("/hooks", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = $"{address}/hooks";
        return receiver;
    }

    /// <summary>Answers <paramref name="statuses"/> in turn, then 200.</summary>
    public void AnswerInTurn(params int[] statuses)
    {
        var queue = new ConcurrentQueue<int>(statuses);
        Respond = (_, _) => Task.FromResult(queue.TryDequeue(out var status) ? status : 200);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// The documented check: t and every v1 from OpenTrain-Signature; HMAC-SHA256 of "t.body" under the
    /// secret, hex; equal in constant time to some v1; t within 5 minutes.
    /// </summary>
    public static IReadOnlyList<string> MatchingSecrets(string header, string body, IEnumerable<string> secrets, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var t = parts.FirstOrDefault(p => p[0] == "t")?[1];
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp) || Math.Abs(now.ToUnixTimeSeconds() - timestamp) > 300)
        {
            return [];
        }

        var signatures = parts.Where(p => p[0] == "v1").Select(p => Encoding.ASCII.GetBytes(p[1])).ToList();
        return [.. secrets.Where(secret =>
        {
            var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"))));
            return signatures.Any(candidate => CryptographicOperations.FixedTimeEquals(candidate, expected));
        })];
    }

    private async Task HandleAsync(HttpContext context)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            int max;
            do
            {
                max = Volatile.Read(ref _maxInFlight);
            }
            while (inFlight > max && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) != max);

            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var signature = context.Request.Headers["OpenTrain-Signature"].ToString();
            var matched = MatchingSecrets(signature, body, Secrets.ToList(), _now());
            var request = new ReceivedDelivery(
                context.Request.Headers["OpenTrain-Delivery"].ToString(),
                context.Request.Headers["OpenTrain-Event"].ToString(),
                signature,
                body,
                matched.Count > 0,
                matched,
                0,
                context.Request.Headers.UserAgent.ToString());
            int status;
            try
            {
                status = await Respond(request, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                status = 499;
            }

            _received.Enqueue(request with { Answered = status });
            context.Response.StatusCode = status;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
