using System.Text;
using Microsoft.AspNetCore.Http;

namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>How a request is handled: the API key, injected failures, idempotency like Stripe's, and the keys we must send.</summary>
public sealed partial class FakeStripeServer
{
    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            foreach (var field in await request.ReadFormAsync(context.RequestAborted))
            {
                form[field.Key] = field.Value.ToString();
            }
        }

        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var authorization = request.Headers.Authorization.ToString();
        var apiKey = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
        var idempotencyKey = NullIfEmpty(request.Headers["Idempotency-Key"].ToString());
        var version = NullIfEmpty(request.Headers["Stripe-Version"].ToString());
        var method = request.Method;
        var path = request.Path.Value ?? "/";

        Answer answer;
        bool hang;
        lock (_gate)
        {
            var sequence = ++_sequence;
            (answer, hang) = Process(method, path, query, form, apiKey, idempotencyKey, version);
            _requests.Add(new FakeStripeRequest(sequence, method, path, query, form, idempotencyKey, apiKey, version, answer.Status, answer.Replayed, answer.ErrorCode));
        }

        if (hang)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(HangFor, linked.Token);
            }
            catch (OperationCanceledException)
            {
                // The client gave up (its timeout) or the fake stops: the answer is lost, the effect is not.
                return;
            }
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["Request-Id"] = answer.RequestId;
        if (answer.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        if (answer.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (answer.ShouldRetry)
        {
            context.Response.Headers["Stripe-Should-Retry"] = "true";
            context.Response.Headers.RetryAfter = "1";
        }

        await context.Response.WriteAsync(answer.Body, Encoding.UTF8);
    }

    private (Answer Answer, bool Hang) Process(
        string method,
        string path,
        Dictionary<string, string> query,
        Dictionary<string, string> form,
        string? apiKey,
        string? idempotencyKey,
        string? version)
    {
        if (apiKey != ApiKey)
        {
            return (Violation(401, null, null, $"Invalid API Key provided: {Mask(apiKey)}"), false);
        }

        if (version is null)
        {
            _violations.Add($"{method} {path}: no Stripe-Version header");
        }

        var failure = TakeFailure(method, path);
        if (failure is FakeStripeFailure.RateLimit)
        {
            return (Error(429, "rate_limit_error", null, "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits."), false);
        }

        if (failure is FakeStripeFailure.RateLimitShouldRetry)
        {
            return (Error(429, "rate_limit_error", null, "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.") with { ShouldRetry = true }, false);
        }

        if (failure is FakeStripeFailure.RateLimitRetryAfter)
        {
            return (Error(429, "rate_limit_error", null, "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.") with { RetryAfterSeconds = 120 }, false);
        }

        if (failure is FakeStripeFailure.RateLimitAsInvalidRequest)
        {
            return (Error(429, "invalid_request_error", "rate_limit", "Too many requests hit the API too quickly."), false);
        }

        var fingerprint = $"{method} {path} {string.Join('&', form.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"))}";
        if (method == "POST" && idempotencyKey is not null && _idempotent.TryGetValue(idempotencyKey, out var saved))
        {
            return saved.Fingerprint == fingerprint
                ? (saved.Answer with { Replayed = true, RequestId = NewRequestId() }, false)
                : (Violation(400, "idempotency_error", null, $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{idempotencyKey}' if you meant to execute a different request."), false);
        }

        var answer = failure switch
        {
            FakeStripeFailure.ApiError => Error(500, "api_error", null, "An unknown error occurred"),
            FakeStripeFailure.BalanceInsufficient => Error(400, "invalid_request_error", "balance_insufficient", "You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card."),
            FakeStripeFailure.InsufficientCapabilitiesForTransfer => Error(400, "invalid_request_error", "insufficient_capabilities_for_transfer", "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments", "destination"),
            FakeStripeFailure.InvalidRequest => Error(400, "invalid_request_error", "transfers_not_allowed", "The requested transfer cannot be created. Contact us via https://support.stripe.com/contact if you need help."),
            _ => RequireOwnIdempotencyKey(method, path, idempotencyKey) ?? Route(method, path, query, form),
        };

        // Like Stripe: what the endpoint answered once it began (a success, a decline, a 500) is kept under the key.
        if (method == "POST" && idempotencyKey is not null && answer.Status is (>= 200 and < 300) or 402 or 500)
        {
            _idempotent[idempotencyKey] = (fingerprint, answer);
        }

        return (answer, failure is FakeStripeFailure.Hang);
    }

    private FakeStripeFailure? TakeFailure(string method, string path)
    {
        var index = _failures.FindIndex(f => f.Method == method && f.Path == path);
        if (index < 0)
        {
            return null;
        }

        var failure = _failures[index].Failure;
        _failures.RemoveAt(index);
        return failure;
    }

    /// <summary>Money movement and object creation must be repeatable after a crash: the key has to come from our ids.</summary>
    private Answer? RequireOwnIdempotencyKey(string method, string path, string? key)
    {
        var segments = Segments(path);
        var strict = method == "POST" && segments switch
        {
            ["v1", "customers"] or ["v1", "customers", _] => true,
            ["v1", "payment_methods", _, "attach"] => true,
            ["v1", "payment_intents"] or ["v1", "transfers"] or ["v1", "accounts"] or ["v1", "subscriptions"] or ["v1", "refunds"] => true,
            _ => false,
        };
        if (!strict)
        {
            return null;
        }

        if (key is null)
        {
            return Violation(400, "idempotency_key_missing", null, $"FakeStripe: {method} {path} creates or moves something and must carry an Idempotency-Key.");
        }

        return Guid.TryParse(key, out _)
            ? Violation(400, "idempotency_key_not_derived", null, $"FakeStripe: {method} {path} carried a random Idempotency-Key ({key}, Stripe.net's default); a retry after a crash would create a second object. Derive the key from our ids.")
            : null;
    }
}
