namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>A failure the fake answers the next matching call with, whatever it asks.</summary>
public enum FakeStripeFailure
{
    /// <summary>HTTP 429, type <c>rate_limit_error</c> (not kept under the idempotency key).</summary>
    RateLimit,

    /// <summary>
    /// HTTP 429 <c>rate_limit_error</c> with <c>Stripe-Should-Retry: true</c> and <c>Retry-After: 1</c>: Stripe.net retries it
    /// itself (up to Stripe:MaxNetworkRetries, with its own backoff), with the same idempotency key.
    /// </summary>
    RateLimitShouldRetry,

    /// <summary>
    /// HTTP 429 <c>rate_limit_error</c> with <c>Retry-After: 120</c> and no <c>Stripe-Should-Retry</c>: Stripe.net does not
    /// retry it, and whoever called must not call again for two minutes.
    /// </summary>
    RateLimitRetryAfter,

    /// <summary>HTTP 429 shaped as <c>invalid_request_error</c> / code <c>rate_limit</c>, as some Stripe responses are.</summary>
    RateLimitAsInvalidRequest,

    /// <summary>HTTP 500 <c>api_error</c>; like Stripe, kept under the idempotency key and replayed.</summary>
    ApiError,

    /// <summary>HTTP 400 <c>invalid_request_error</c> / <c>balance_insufficient</c>.</summary>
    BalanceInsufficient,

    /// <summary>HTTP 400 <c>invalid_request_error</c> / <c>insufficient_capabilities_for_transfer</c>.</summary>
    InsufficientCapabilitiesForTransfer,

    /// <summary>HTTP 400 <c>invalid_request_error</c> / <c>transfers_not_allowed</c>: a permanent refusal.</summary>
    InvalidRequest,

    /// <summary>The call is carried out, but the answer waits <see cref="FakeStripeServer.HangFor"/>: longer than the client's timeout.</summary>
    Hang,
}

/// <summary>One call the fake received, as it received it, and what it answered.</summary>
public sealed record FakeStripeRequest(
    int Sequence,
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Form,
    string? IdempotencyKey,
    string? ApiKey,
    string? StripeVersion,
    int Status,
    bool Replayed,
    string? ErrorCode)
{
    public bool Is(string method, string path) => Method == method && Path == path;

    public string? Field(string name) => Form.TryGetValue(name, out var value) ? value : null;

    public bool Succeeded => Status is >= 200 and < 300;

    public override string ToString() =>
        $"#{Sequence} {Method} {Path} -> {Status}{(ErrorCode is null ? string.Empty : $" {ErrorCode}")} key={IdempotencyKey ?? "-"} [{string.Join(", ", Form.Select(f => $"{f.Key}={f.Value}"))}]";
}
