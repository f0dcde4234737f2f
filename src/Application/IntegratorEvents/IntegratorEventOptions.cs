namespace OpenTrain.Clean.Application.IntegratorEvents;

/// <summary>Configuration section <c>IntegratorEvents</c>: the events feed and webhook deliveries.</summary>
public sealed class IntegratorEventOptions
{
    public const string SectionName = "IntegratorEvents";

    /// <summary>How long events stay in the feed (and deliveries in the log).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>After a roll, how long the previous signing secret keeps signing deliveries too.</summary>
    public TimeSpan SecretRollOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A delivery counts when the endpoint answers 2xx within this time.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Endpoints one worker delivers to at once; a slow endpoint holds only its own slot.</summary>
    public int MaxConcurrentEndpoints { get; set; } = 8;

    /// <summary>How long a worker holds an endpoint it delivers to; renewed before every attempt.</summary>
    public TimeSpan EndpointLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Deliveries one claim of an endpoint sends before it lets other workers take a turn.</summary>
    public int DeliveriesPerClaim { get; set; } = 100;

    /// <summary>Events the publisher orders and fans out per transaction.</summary>
    public int PublishBatchSize { get; set; } = 500;

    /// <summary>
    /// Hosts (names or IP literals) exempt from the address and https rules: receivers inside the
    /// deployment and the test suite. Never list a host that users control.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];
}
