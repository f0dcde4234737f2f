namespace OpenTrain.Clean.Infrastructure.Scheduling;

/// <summary>Configuration section <c>Worker</c>.</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>Whether the API hosts the jobs itself (the embedded default in Development).</summary>
    public bool? InProcess { get; set; }

    public TimeSpan OutboxInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan PayoutInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReconciliationInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan IdempotencyCleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often events are published and webhook deliveries picked up.</summary>
    public TimeSpan IntegratorEventInterval { get; set; } = TimeSpan.FromSeconds(1);
}
