using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenTrain.Clean.Application.Webhooks;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>A provider event that was applied; its id is the primary key.</summary>
public sealed class ProcessedWebhookEvent
{
    public const int EventIdLength = 255;

    public const int TypeLength = 100;

    public string EventId { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public DateTimeOffset ReceivedAt { get; set; }
}

internal sealed class ProcessedWebhookEventConfiguration : IEntityTypeConfiguration<ProcessedWebhookEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedWebhookEvent> builder)
    {
        builder.ToTable("ProcessedWebhookEvents");
        builder.HasKey(e => e.EventId);
        builder.Property(e => e.EventId).HasMaxLength(ProcessedWebhookEvent.EventIdLength).IsUnicode(false);
        builder.Property(e => e.Type).HasMaxLength(ProcessedWebhookEvent.TypeLength).IsUnicode(false);
    }
}

/// <summary>
/// The event's id is claimed by one insert-if-absent statement in the command's transaction, after the event's handling
/// (which may read the provider) and right before its effect is saved: it commits with the effect or not at all. Two
/// deliveries of one event at the same moment (two instances given the same webhook, a page delivering what the sweep is
/// applying) queue on the claim (SQLite: the database write lock; SQL Server: the key-range lock of UPDLOCK, HOLDLOCK);
/// the second finds the first's row, inserts nothing and rolls back its transaction: no constraint violation, no effect saved.
/// </summary>
internal sealed class WebhookInbox(AppDbContext db, TimeProvider clock) : IWebhookInbox
{
    /// <summary>How many ids one lookup names (SQL Server takes at most 2,100 parameters).</summary>
    private const int IdsPerLookup = 500;

    private const string SqliteClaim = """
        INSERT INTO "ProcessedWebhookEvents" ("EventId", "Type", "ReceivedAt") VALUES ($eventId, $type, $receivedAt)
        ON CONFLICT ("EventId") DO NOTHING;
        """;

    private const string SqlServerClaim = """
        INSERT INTO [ProcessedWebhookEvents] ([EventId], [Type], [ReceivedAt])
        SELECT @eventId, @type, @receivedAt
        WHERE NOT EXISTS (SELECT 1 FROM [ProcessedWebhookEvents] WITH (UPDLOCK, HOLDLOCK) WHERE [EventId] = @eventId);
        """;

    public async Task<bool> TryRecordAsync(string eventId, string type, CancellationToken cancellationToken)
    {
        // The claim is a write that must commit with the effect: the transaction begins here unless the handling began it.
        var transaction = db.Database.CurrentTransaction ?? await db.Database.BeginTransactionAsync(cancellationToken);
        await using var command = CreateClaim(db.Database.GetDbConnection(), db.Database.IsSqlite(), eventId, type, clock.GetUtcNow());
        command.Transaction = transaction.GetDbTransaction();
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return true;
        }

        // Recorded by another delivery meanwhile: nothing of this one is kept (an invoice number it took goes back).
        await transaction.RollbackAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
        return false;
    }

    public async Task<IReadOnlySet<string>> FindRecordedAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in eventIds.Distinct(StringComparer.Ordinal).Chunk(IdsPerLookup))
        {
            recorded.UnionWith(await db.Set<ProcessedWebhookEvent>().AsNoTracking()
                .Where(e => chunk.Contains(e.EventId))
                .Select(e => e.EventId)
                .ToListAsync(cancellationToken));
        }

        return recorded;
    }

    /// <summary>The claim for the connection's provider, with parameters typed as the columns are (varchar keys: no conversion of the column).</summary>
    internal static DbCommand CreateClaim(DbConnection connection, bool sqlite, string eventId, string type, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sqlite ? SqliteClaim : SqlServerClaim;
        var prefix = sqlite ? "$" : "@";
        AddParameter(command, prefix + "eventId", eventId, DbType.AnsiString, ProcessedWebhookEvent.EventIdLength);
        AddParameter(command, prefix + "type", type, DbType.AnsiString, ProcessedWebhookEvent.TypeLength);
        // SQLite keeps moments as UTC ticks (SqliteAppDbContext's UtcTicksConverter); SQL Server as datetimeoffset.
        if (sqlite)
        {
            AddParameter(command, prefix + "receivedAt", receivedAt.UtcTicks, DbType.Int64);
        }
        else
        {
            AddParameter(command, prefix + "receivedAt", receivedAt, DbType.DateTimeOffset);
        }
        return command;
    }

    private static void AddParameter(DbCommand command, string name, object value, DbType dbType, int size = 0)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = dbType;
        if (size > 0)
        {
            // Microsoft.Data.Sqlite cuts a value to a Size of 0: only the varchar keys carry one.
            parameter.Size = size;
        }

        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
