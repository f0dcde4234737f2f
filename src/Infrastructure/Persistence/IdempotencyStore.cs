using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Infrastructure.Persistence;

public sealed class IdempotencyRecord
{
    public Guid CallerId { get; set; }

    public string Key { get; set; } = string.Empty;

    public string RequestHash { get; set; } = string.Empty;

    public bool Completed { get; set; }

    public int? StatusCode { get; set; }

    public string? ContentType { get; set; }

    public string? Location { get; set; }

    public byte[]? Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>While running: after this, a crashed first request no longer blocks the key.</summary>
    public DateTimeOffset LockedUntil { get; set; }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("IdempotencyRecords");
        builder.HasKey(r => new { r.CallerId, r.Key });
        builder.Property(r => r.Key).HasMaxLength(255);
        builder.Property(r => r.RequestHash).HasMaxLength(64).IsUnicode(false);
        builder.Property(r => r.ContentType).HasMaxLength(200);
        builder.Property(r => r.Location).HasMaxLength(500);
        builder.Property(r => r.Body).HasMaxLength(int.MaxValue);
        builder.HasIndex(r => r.ExpiresAt);
    }
}

/// <summary>Each call uses its own scope and context, so a claim commits at once and outlives the request's transaction.</summary>
internal sealed class IdempotencyStore(IServiceScopeFactory scopes, TimeProvider clock) : IIdempotencyStore
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    public static readonly TimeSpan RunningLease = IdempotencyLease.Running;

    /// <summary>Rows one clean-up statement deletes: short transactions, so requests are not held up behind a big delete.</summary>
    public const int PurgeBatchSize = 1000;

    public async Task<IdempotencyClaim> ClaimAsync(UserId caller, string key, string requestHash, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Add(new IdempotencyRecord
            {
                CallerId = caller.Value,
                Key = key,
                RequestHash = requestHash,
                CreatedAt = now,
                ExpiresAt = now.Add(Retention),
                LockedUntil = now.Add(RunningLease),
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new IdempotencyClaim(IdempotencyClaimOutcome.Claimed);
            }
            catch (DbUpdateException)
            {
                // The key exists: decide from what it holds.
            }

            db.ChangeTracker.Clear();
            var existing = await db.Set<IdempotencyRecord>().AsNoTracking()
                .FirstOrDefaultAsync(r => r.CallerId == caller.Value && r.Key == key, cancellationToken);
            if (existing is null)
            {
                continue;
            }

            if (existing.ExpiresAt <= now || (!existing.Completed && existing.LockedUntil <= now))
            {
                // Expired, or its first request died: take it over, only if nobody else did meanwhile.
                var taken = await db.Set<IdempotencyRecord>()
                    .Where(r => r.CallerId == caller.Value && r.Key == key && r.LockedUntil == existing.LockedUntil && r.ExpiresAt == existing.ExpiresAt)
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(r => r.RequestHash, requestHash)
                            .SetProperty(r => r.Completed, false)
                            .SetProperty(r => r.StatusCode, (int?)null)
                            .SetProperty(r => r.Body, (byte[]?)null)
                            .SetProperty(r => r.CreatedAt, now)
                            .SetProperty(r => r.ExpiresAt, now.Add(Retention))
                            .SetProperty(r => r.LockedUntil, now.Add(RunningLease)),
                        cancellationToken);
                if (taken == 1)
                {
                    return new IdempotencyClaim(IdempotencyClaimOutcome.Claimed);
                }

                continue;
            }

            if (existing.RequestHash != requestHash)
            {
                return new IdempotencyClaim(IdempotencyClaimOutcome.Mismatch);
            }

            return existing.Completed
                ? new IdempotencyClaim(IdempotencyClaimOutcome.Replay, new StoredResponse(existing.StatusCode ?? 200, existing.ContentType, existing.Body ?? [], existing.Location))
                : new IdempotencyClaim(IdempotencyClaimOutcome.InProgress);
        }

        return new IdempotencyClaim(IdempotencyClaimOutcome.InProgress);
    }

    public async Task CompleteAsync(UserId caller, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Set<IdempotencyRecord>()
            .Where(r => r.CallerId == caller.Value && r.Key == key)
            .ExecuteUpdateAsync(
                s => s.SetProperty(r => r.Completed, true)
                    .SetProperty(r => r.StatusCode, response.StatusCode)
                    .SetProperty(r => r.ContentType, response.ContentType)
                    .SetProperty(r => r.Location, response.Location)
                    .SetProperty(r => r.Body, response.Body),
                cancellationToken);
    }

    public async Task<bool> RenewAsync(UserId caller, string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var lockedUntil = clock.GetUtcNow().Add(RunningLease);
        return await db.Set<IdempotencyRecord>()
            .Where(r => r.CallerId == caller.Value && r.Key == key && !r.Completed)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LockedUntil, lockedUntil), cancellationToken) == 1;
    }

    public async Task ReleaseAsync(UserId caller, string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Set<IdempotencyRecord>().Where(r => r.CallerId == caller.Value && r.Key == key && !r.Completed).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var purged = 0;
        int deleted;
        do
        {
            // One bounded statement per round: DELETE TOP (n) on SQL Server; on SQLite the expired rows' rowids from the
            // ExpiresAt index. (EF Core's SQLite form, DELETE … WHERE EXISTS (a LIMITed key subquery), ran that subquery
            // for every row of the table while holding the write lock: O(all records) per round.)
            deleted = db.Database.IsSqlite()
                ? await db.Database.ExecuteSqlAsync(
                    $"""DELETE FROM "IdempotencyRecords" WHERE rowid IN (SELECT rowid FROM "IdempotencyRecords" WHERE "ExpiresAt" <= {now.UtcTicks} LIMIT {PurgeBatchSize})""",
                    cancellationToken)
                : await db.Set<IdempotencyRecord>().Where(r => r.ExpiresAt <= now).Take(PurgeBatchSize).ExecuteDeleteAsync(cancellationToken);
            purged += deleted;
        }
        while (deleted == PurgeBatchSize);

        return purged;
    }
}
