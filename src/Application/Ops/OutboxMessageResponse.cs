namespace OpenTrain.Clean.Application.Ops;

public enum OutboxMessageState
{
    Pending,
    Processed,
    Parked,
}

public sealed record OutboxMessageResponse(
    Guid Id,
    string Type,
    OutboxMessageState Status,
    int Attempts,
    DateTimeOffset OccurredAt,
    DateTimeOffset NextAttemptAt,
    string? LockedBy,
    DateTimeOffset? LockedUntil,
    string? LastError,
    DateTimeOffset? ProcessedAt,
    string Payload);
