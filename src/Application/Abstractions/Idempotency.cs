using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Abstractions;

/// <summary>
/// Remembers the first response to a caller's <c>Idempotency-Key</c> for 24 hours. Claims race on a
/// unique key (caller, key) in the database, never check-then-insert, and commit on their own,
/// outside the request's transaction.
/// </summary>
public interface IIdempotencyStore
{
    Task<IdempotencyClaim> ClaimAsync(UserId caller, string key, string requestHash, CancellationToken cancellationToken);

    Task CompleteAsync(UserId caller, string key, StoredResponse response, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the running claim's lease (<see cref="IdempotencyLease.Running"/> from now) while its request
    /// still runs; false when the claim is no longer running (completed, released or taken over).
    /// </summary>
    Task<bool> RenewAsync(UserId caller, string key, CancellationToken cancellationToken);

    /// <summary>Forgets an unfinished claim (the request failed on our side), so the key can be used again.</summary>
    Task ReleaseAsync(UserId caller, string key, CancellationToken cancellationToken);

    /// <summary>Deletes expired records in bounded batches (each its own short statement); returns how many.</summary>
    Task<int> PurgeExpiredAsync(CancellationToken cancellationToken);
}

/// <summary>
/// How long a running first request holds its key. Short, and renewed while the request runs, so that a
/// request whose process died stops blocking its key within seconds, while a slow one keeps it.
/// </summary>
public static class IdempotencyLease
{
    public static readonly TimeSpan Running = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(3);
}

public enum IdempotencyClaimOutcome
{
    /// <summary>First use of the key: run the request.</summary>
    Claimed,

    /// <summary>The key already has a response: send it again.</summary>
    Replay,

    /// <summary>The key was used for a different request.</summary>
    Mismatch,

    /// <summary>The first request with this key is still running.</summary>
    InProgress,
}

public sealed record IdempotencyClaim(IdempotencyClaimOutcome Outcome, StoredResponse? Response = null);

public sealed record StoredResponse(int StatusCode, string? ContentType, byte[] Body, string? Location);
