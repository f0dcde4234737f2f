using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// One statement picks the due payouts and leases them. SQL Server: UPDLOCK + READPAST + ROWLOCK, so
/// concurrent workers skip rows another worker is leasing instead of queueing behind it, and OUTPUT
/// returns what this worker got. SQLite: one UPDATE … RETURNING under its single writer.
/// </summary>
internal sealed class PayoutClaims(AppDbContext db) : IPayoutClaims
{
    // The statuses are the enums' names, as the model stores them (HasConversion<string>).
    private const string SqlServerClaim = $$"""
        WITH due AS (
            SELECT TOP (@batch) [Id], [NextPayoutAttemptAt], [Version]
            FROM [Milestones] WITH (UPDLOCK, READPAST, ROWLOCK)
            WHERE [Status] = N'{{nameof(MilestoneStatus.PayoutPending)}}' AND [PayoutStatus] = N'{{nameof(PayoutStatus.Pending)}}' AND [DisputeId] IS NULL
                AND [NextPayoutAttemptAt] IS NOT NULL AND [NextPayoutAttemptAt] <= @now
            ORDER BY [NextPayoutAttemptAt])
        UPDATE due SET [NextPayoutAttemptAt] = @until, [Version] = [Version] + 1
        OUTPUT inserted.[Id];
        """;

    private const string SqliteClaim = $$"""
        UPDATE "Milestones" SET "NextPayoutAttemptAt" = $until, "Version" = "Version" + 1
        WHERE "Id" IN (
            SELECT "Id" FROM "Milestones"
            WHERE "Status" = '{{nameof(MilestoneStatus.PayoutPending)}}' AND "PayoutStatus" = '{{nameof(PayoutStatus.Pending)}}' AND "DisputeId" IS NULL
                AND "NextPayoutAttemptAt" IS NOT NULL AND "NextPayoutAttemptAt" <= $now
            ORDER BY "NextPayoutAttemptAt"
            LIMIT $batch)
        RETURNING "Id";
        """;

    public async Task<IReadOnlyList<MilestoneId>> ClaimDueAsync(int batchSize, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            if (db.Database.IsSqlServer())
            {
                command.CommandText = SqlServerClaim;
                command.Parameters.Add(new SqlParameter("@batch", System.Data.SqlDbType.Int) { Value = batchSize });
                command.Parameters.Add(new SqlParameter("@now", System.Data.SqlDbType.DateTimeOffset) { Value = now });
                command.Parameters.Add(new SqlParameter("@until", System.Data.SqlDbType.DateTimeOffset) { Value = leaseUntil });
            }
            else
            {
                // Instants are UTC ticks on SQLite (UtcTicksConverter).
                command.CommandText = SqliteClaim;
                command.Parameters.Add(new SqliteParameter("$batch", batchSize));
                command.Parameters.Add(new SqliteParameter("$now", now.UtcTicks));
                command.Parameters.Add(new SqliteParameter("$until", leaseUntil.UtcTicks));
            }

            var claimed = new List<MilestoneId>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new MilestoneId(reader.GetGuid(0)));
            }

            return claimed;
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
