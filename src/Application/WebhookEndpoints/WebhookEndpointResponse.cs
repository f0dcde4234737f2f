using System.Security.Cryptography;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Application.WebhookEndpoints;

/// <summary>A webhook endpoint. The signing secret is never shown here: only at creation and roll.</summary>
/// <param name="Url" example="https://hooks.example.com/opentrain">Where deliveries are POSTed.</param>
/// <param name="EventTypes" example="[&quot;milestone.funded&quot;,&quot;payout.paid&quot;]">Catalog names, or <c>*</c> for every event.</param>
/// <param name="Status">active, or disabled (by you, or after 10 deliveries in a row failed).</param>
/// <param name="ConsecutiveFailures">Deliveries that failed since the last successful one; 10 disable the endpoint.</param>
/// <param name="PreviousSecretExpiresAt">During a secret roll: until when deliveries also carry a signature made with the previous secret.</param>
public sealed record WebhookEndpointResponse(
    Guid Id,
    string Url,
    IReadOnlyList<string> EventTypes,
    string? Description,
    WebhookEndpointStatus Status,
    DateTimeOffset? DisabledAt,
    WebhookEndpointDisabledReason? DisabledReason,
    int ConsecutiveFailures,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PreviousSecretExpiresAt);

/// <summary>The endpoint and its signing secret, shown this once.</summary>
/// <param name="Secret" example="whsec_3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA">The HMAC-SHA256 key for <c>OpenTrain-Signature</c>. Store it now: no later call returns it.</param>
public sealed record WebhookEndpointSecretResponse(WebhookEndpointResponse WebhookEndpoint, string Secret, string Message);

public sealed record WebhookEndpointDeletedResponse(Guid Id, bool Deleted);

/// <summary>One delivery of one event to the endpoint: the log line and its attempts.</summary>
/// <param name="Id">The <c>OpenTrain-Delivery</c> header value, the same on every retry and redelivery.</param>
/// <param name="Attempts">Attempts since it was queued (or queued again); it fails after 5.</param>
/// <param name="NextAttemptAt">When the next attempt is due, while pending.</param>
/// <param name="LastResponseStatus">The HTTP status of the last attempt; null when the endpoint did not answer.</param>
/// <param name="LastLatencyMs">How long the last attempt took, in milliseconds.</param>
public sealed record WebhookDeliveryResponse(
    Guid Id,
    Guid EventId,
    string EventType,
    WebhookDeliveryStatus Status,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    int? LastResponseStatus,
    int? LastLatencyMs,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    IReadOnlyList<WebhookDeliveryAttemptResponse> History);

/// <param name="ResponseStatus">Null when the endpoint did not answer (timeout, connection refused, address refused).</param>
public sealed record WebhookDeliveryAttemptResponse(int Number, DateTimeOffset At, int? ResponseStatus, int LatencyMs, string? Error);

internal static class WebhookEndpointMappings
{
    public static WebhookEndpointResponse ToResponse(this WebhookEndpoint e) => new(
        e.Id.Value, e.Url, [.. e.EventTypes], e.Description, e.Status, e.DisabledAt, e.DisabledReason, e.ConsecutiveFailures, e.CreatedAt, e.UpdatedAt, e.PreviousSecretExpiresAt);

    public static WebhookDeliveryResponse ToResponse(this WebhookDelivery d) => new(
        d.Id.Value,
        d.EventId.Value,
        d.EventType,
        d.Status,
        d.Attempts,
        d.NextAttemptAt,
        d.LastAttempt?.ResponseStatus,
        d.LastAttempt?.LatencyMs,
        d.LastAttempt?.Error,
        d.CreatedAt,
        d.DeliveredAt,
        [.. d.History.Select(a => new WebhookDeliveryAttemptResponse(a.Number, a.At, a.ResponseStatus, a.LatencyMs, a.Error))]);
}

/// <summary>Signing secrets: <c>whsec_</c> and 32 random bytes, base64url.</summary>
internal static class WebhookSecrets
{
    public const string Message = "Store the secret now: it is only returned once. Use it to verify the OpenTrain-Signature header on deliveries.";

    public static string New() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
