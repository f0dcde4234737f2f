using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.IntegratorEvents;

public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its next attempt (<see cref="WebhookDelivery.NextAttemptAt"/>).</summary>
    Pending,

    /// <summary>The endpoint answered 2xx in time.</summary>
    Delivered,

    /// <summary>Every attempt failed, or the endpoint was disabled; a redelivery queues it again.</summary>
    Failed,
}

/// <summary>One attempt as the delivery log shows it.</summary>
/// <param name="ResponseStatus">The HTTP status the endpoint answered; null when it did not answer (timeout, connection refused, address refused).</param>
public sealed record WebhookDeliveryAttempt(int Number, DateTimeOffset At, int? ResponseStatus, int LatencyMs, string? Error);

/// <summary>
/// One event on its way to one endpoint. Its id is the <c>OpenTrain-Delivery</c> header, the same on
/// every retry and redelivery. An attempt counts when the endpoint answers 2xx within the timeout;
/// otherwise the next one waits 1, 5, 30, then 120 minutes, and after the fifth the delivery fails.
/// </summary>
public sealed class WebhookDelivery : AggregateRoot<WebhookDeliveryId>
{
    public const int MaxAttempts = 5;

    /// <summary>The wait after failed attempt 1, 2, 3 and 4.</summary>
    public static readonly IReadOnlyList<TimeSpan> RetryDelays =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(120)];

    private readonly List<WebhookDeliveryAttempt> _history = [];

    private WebhookDelivery()
    {
        EventType = string.Empty;
    }

    public WebhookEndpointId EndpointId { get; private set; }

    public IntegratorEventId EventId { get; private set; }

    public string EventType { get; private set; }

    /// <summary>The event's place in its recipient's feed: first attempts go out to an endpoint in this order.</summary>
    public long EventPosition { get; private set; }

    public WebhookDeliveryStatus Status { get; private set; }

    /// <summary>Attempts since the delivery was queued (or queued again by a redelivery).</summary>
    public int Attempts { get; private set; }

    public DateTimeOffset? NextAttemptAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    /// <summary>Every attempt ever made, redeliveries included, oldest first.</summary>
    public IReadOnlyList<WebhookDeliveryAttempt> History => _history;

    public WebhookDeliveryAttempt? LastAttempt => _history.Count == 0 ? null : _history[^1];

    public static WebhookDelivery Queue(WebhookEndpointId endpointId, IntegratorEventId eventId, string eventType, long eventPosition, DateTimeOffset now) => new()
    {
        Id = WebhookDeliveryId.New(),
        EndpointId = endpointId,
        EventId = eventId,
        EventType = eventType,
        EventPosition = eventPosition,
        Status = WebhookDeliveryStatus.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
    };

    public bool IsDue(DateTimeOffset now) => Status == WebhookDeliveryStatus.Pending && NextAttemptAt <= now;

    public void RecordSuccess(int responseStatus, int latencyMs, DateTimeOffset now)
    {
        EnsurePending();
        Attempts++;
        _history.Add(new WebhookDeliveryAttempt(_history.Count + 1, now, responseStatus, latencyMs, null));
        Status = WebhookDeliveryStatus.Delivered;
        DeliveredAt = now;
        NextAttemptAt = null;
    }

    /// <summary>Records a failed attempt and schedules the next one, or fails the delivery after the last.</summary>
    /// <returns>Whether the delivery has now failed for good.</returns>
    public bool RecordFailure(int? responseStatus, int latencyMs, string error, DateTimeOffset now)
    {
        EnsurePending();
        Attempts++;
        _history.Add(new WebhookDeliveryAttempt(_history.Count + 1, now, responseStatus, latencyMs, Truncate(error)));
        if (Attempts >= MaxAttempts)
        {
            Status = WebhookDeliveryStatus.Failed;
            NextAttemptAt = null;
            return true;
        }

        NextAttemptAt = now.Add(RetryDelays[Attempts - 1]);
        return false;
    }

    /// <summary>Its endpoint was disabled: a pending delivery fails where it stands (a redelivery queues it again).</summary>
    public void FailBecauseEndpointDisabled()
    {
        EnsurePending();
        Status = WebhookDeliveryStatus.Failed;
        NextAttemptAt = null;
    }

    /// <summary>Queues the delivery again, whatever its status, with a fresh set of attempts and the same id.</summary>
    public void Redeliver(DateTimeOffset now)
    {
        Status = WebhookDeliveryStatus.Pending;
        Attempts = 0;
        NextAttemptAt = now;
    }

    private void EnsurePending()
    {
        if (Status != WebhookDeliveryStatus.Pending)
        {
            throw new DomainException(WebhookEndpointErrors.DeliveryNotPending, $"Delivery {Id} is {Status}; only a pending delivery is attempted.");
        }
    }

    private static string Truncate(string error) => error.Length <= 500 ? error : error[..500];
}
