using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.IntegratorEvents;

namespace OpenTrain.Clean.Infrastructure.IntegratorEvents;

/// <summary>One delivery attempt: where, which delivery id, and the secrets that sign it now.</summary>
public sealed record WebhookMessage(string Url, Guid DeliveryId, string EventType, string Body, IReadOnlyList<string> Secrets);

/// <param name="Status">The HTTP status the endpoint answered; null when it did not answer.</param>
public sealed record WebhookAttemptOutcome(bool Delivered, int? Status, int LatencyMs, string? Error);

/// <summary>
/// POSTs one signed event. A 2xx within the timeout counts; redirects are not followed (a 3xx
/// fails). Connections go only to addresses <see cref="WebhookAddressPolicy"/> allows, resolved at
/// connect time, never through a proxy.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const string UserAgent = "OpenTrain-Webhooks/1.0";

    private readonly HttpClient _http;
    private readonly WebhookAddressPolicy _policy;
    private readonly IOptions<IntegratorEventOptions> _options;
    private readonly TimeProvider _clock;

    public WebhookSender(WebhookAddressPolicy policy, IOptions<IntegratorEventOptions> options, TimeProvider clock)
    {
        _policy = policy;
        _options = options;
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.Value.DeliveryTimeout,
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<WebhookAttemptOutcome> SendAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var started = Stopwatch.GetTimestamp();
        if (!Uri.TryCreate(message.Url, UriKind.Absolute, out var uri) || _policy.SchemeRefusal(uri) is not null)
        {
            return new WebhookAttemptOutcome(false, null, 0, "Refused: the endpoint URL must use https.");
        }

        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(message.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.HeaderValue(timestamp, message.Body, message.Secrets));
        request.Headers.TryAddWithoutValidation(WebhookSignature.DeliveryHeader, message.DeliveryId.ToString());
        request.Headers.TryAddWithoutValidation(WebhookSignature.EventHeader, message.EventType);
        request.Headers.UserAgent.Add(ProductInfoHeaderValue.Parse(UserAgent));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Value.DeliveryTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var delivered = status is >= 200 and < 300;
            return new WebhookAttemptOutcome(delivered, status, Elapsed(started), delivered ? null : $"The endpoint answered HTTP {status}.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookAttemptOutcome(false, null, Elapsed(started), $"No answer within {_options.Value.DeliveryTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException exception)
        {
            var refused = FindInner<WebhookAddressRefusedException>(exception);
            return new WebhookAttemptOutcome(false, null, Elapsed(started), refused is not null ? $"Refused: {refused.Message}" : Describe(exception));
        }
    }

    public void Dispose() => _http.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await _policy.AllowedAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static int Elapsed(long started) => (int)Math.Min(int.MaxValue, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

    private static string Describe(HttpRequestException exception) =>
        FindInner<SocketException>(exception) is { } socket ? $"Could not connect: {socket.SocketErrorCode}." : $"The request failed: {exception.HttpRequestError}.";

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
