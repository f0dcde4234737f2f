using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>Stripe-shaped answers, errors and the checks of what was sent.</summary>
public sealed partial class FakeStripeServer
{
    private Answer Get(string id, string objectType) =>
        Find(id, objectType) is { } found ? Ok(found) : Missing(404, objectType, id, "id");

    private Answer Created(JsonObject created)
    {
        _objects[created["id"]!.GetValue<string>()] = created;
        return Ok(created);
    }

    private Answer Ok(JsonObject body) => new(200, body.ToJsonString(), null, NewRequestId());

    private Answer Missing(int status, string objectType, string id, string? param)
    {
        var name = objectType switch
        {
            "payment_method" => "PaymentMethod",
            "payment_intent" => "payment_intent",
            _ => objectType,
        };
        return Error(status, "invalid_request_error", "resource_missing", $"No such {name}: '{id}'", param);
    }

    private Answer Error(int status, string type, string? code, string message, string? param = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            error["code"] = code;
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}";
        }

        if (param is not null)
        {
            error["param"] = param;
        }

        var requestId = NewRequestId();
        error["request_log_url"] = $"https://dashboard.stripe.com/test/logs/{requestId}";
        return new Answer(status, new JsonObject { ["error"] = error }.ToJsonString(), code ?? type, requestId);
    }

    private Answer Violation(int status, string? code, string? param, string message)
    {
        _violations.Add($"{status} {code ?? "invalid_request_error"}: {message}");
        return Error(status, code == "idempotency_error" ? "idempotency_error" : "invalid_request_error", code == "idempotency_error" ? null : code, message, param);
    }

    private Answer? UnknownParameter(Dictionary<string, string> form, string[] allowed)
    {
        foreach (var key in form.Keys)
        {
            var root = key.Split('[')[0];
            if (!allowed.Contains(root, StringComparer.Ordinal))
            {
                return Violation(400, "parameter_unknown", root, $"Received unknown parameter: {root}");
            }
        }

        return null;
    }

    private Answer? Required(Dictionary<string, string> form, params string[] names)
    {
        foreach (var name in names)
        {
            if (string.IsNullOrEmpty(Field(form, name)))
            {
                return Violation(400, "parameter_missing", name, $"Missing required param: {name}.");
            }
        }

        return null;
    }

    private Answer? MetadataProblem(Dictionary<string, string> form)
    {
        var metadata = form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)).ToList();
        if (metadata.Count > 50)
        {
            return Violation(400, "parameter_invalid_string", "metadata", "Metadata can have at most 50 keys.");
        }

        foreach (var (key, value) in metadata)
        {
            var name = key["metadata[".Length..^1];
            if (name.Length > 40 || value.Length > 500)
            {
                return Violation(400, "parameter_invalid_string", key, $"Metadata keys are at most 40 and values at most 500 characters ({name}).");
            }
        }

        return null;
    }

    private static JsonObject MetadataOf(Dictionary<string, string> form) => FakeStripeObjects.Metadata(
        form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal) && f.Key.EndsWith(']'))
            .Select(f => KeyValuePair.Create(f.Key["metadata[".Length..^1], f.Value)));

    private static List<string> ListOf(Dictionary<string, string> form, string name)
    {
        var values = new List<string>();
        for (var i = 0; form.TryGetValue($"{name}[{i}]", out var value); i++)
        {
            values.Add(value);
        }

        return values;
    }

    private static long? Amount(Dictionary<string, string> form, string name) =>
        long.TryParse(form[name], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount) ? amount : null;

    private static string? Field(Dictionary<string, string> form, string name) => form.TryGetValue(name, out var value) ? value : null;

    private JsonObject? Find(string id, string objectType) =>
        _objects.TryGetValue(id, out var found) && found["object"]?.GetValue<string>() == objectType ? found : null;

    private JsonObject Stored(string id) => _objects.TryGetValue(id, out var found) ? found : throw new KeyNotFoundException($"The fake holds no object {id}.");

    private string NewId(string prefix) => $"{prefix}_1Fk{Interlocked.Increment(ref _ids):D5}{Guid.NewGuid().ToString("N")[..12]}";

    private string NewRequestId() => $"req_{Interlocked.Increment(ref _ids):D5}{Guid.NewGuid().ToString("N")[..10]}";

    private static string[] Segments(string path) => path.Trim('/').Split('/');

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Mask(string? key) => key is null ? "(none)" : key.Length <= 8 ? "***" : $"{key[..8]}***{key[^4..]}";

    private sealed record Answer(int Status, string Body, string? ErrorCode, string RequestId)
    {
        public bool Replayed { get; init; }

        /// <summary>Sent with <c>Stripe-Should-Retry: true</c> (and Retry-After), as Stripe does when a retry may succeed.</summary>
        public bool ShouldRetry { get; init; }

        /// <summary>Seconds sent as Retry-After without Stripe-Should-Retry.</summary>
        public int? RetryAfterSeconds { get; init; }
    }
}
