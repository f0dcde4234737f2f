namespace OpenTrain.Clean.Infrastructure.Persistence.Outbox;

public enum OutboxStatus
{
    Pending,
    Processed,
    Parked,
}

/// <summary>A domain event waiting to be dispatched, written in the same transaction as the change that raised it.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    /// <summary>The event's type name, e.g. <c>MilestoneApproved</c>.</summary>
    public string Type { get; set; } = string.Empty;

    public string Payload { get; set; } = string.Empty;

    public DateTimeOffset OccurredAt { get; set; }

    public OutboxStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LockedBy { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? ProcessedAt { get; set; }
}
