using System.Reflection;
using System.Text.RegularExpressions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// The codes the HTTP layer itself answers with. The domain's and the use cases' codes are
/// <c>public const string</c> snake_case fields beside their rules; <see cref="All"/> gathers every one
/// of them, so the OpenAPI document's <c>Problem.code</c> enum follows the code base.
/// </summary>
public static partial class ProblemCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string MalformedRequest = "malformed_request";
    public const string BadRequest = "bad_request";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string NotAcceptable = "not_acceptable";
    public const string Conflict = "conflict";
    public const string ConcurrencyConflict = "concurrency_conflict";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string RateLimited = "rate_limited";
    public const string CardDeclined = "card_declined";
    public const string PaymentMethodInvalid = "payment_method_invalid";
    public const string PaymentProviderUnavailable = "payment_provider_unavailable";
    public const string IdempotencyKeyInvalid = "idempotency_key_invalid";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string IdempotencyRequestInProgress = "idempotency_request_in_progress";
    public const string InvalidSignature = "invalid_signature";
    public const string MalformedEvent = "malformed_event";
    public const string WebhookConflict = "webhook_conflict";
    public const string EventNotUnderstood = "event_not_understood";
    public const string InternalError = "internal_error";
    public const string Error = "error";

    private static readonly Lazy<IReadOnlyList<string>> Collected = new(Collect);

    /// <summary>Every code a problem response of this API can carry, sorted.</summary>
    public static IReadOnlyList<string> All => Collected.Value;

    private static string[] Collect()
    {
        var ours = ConstantsOf(typeof(ProblemCodes));
        var rules = new[] { typeof(DomainException).Assembly, typeof(ApplicationErrors).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(ConstantsOf)
            .Where(value => CodeShape().IsMatch(value));
        return [.. ours.Concat(rules).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static IEnumerable<string> ConstantsOf(Type type) => type
        .GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
        .Where(field => field is { IsLiteral: true } && field.FieldType == typeof(string))
        .Select(field => (string)field.GetRawConstantValue()!);

    /// <summary>A code is lower snake_case with at least two words (<c>milestone_not_fundable</c>).</summary>
    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)+$")]
    private static partial Regex CodeShape();
}
