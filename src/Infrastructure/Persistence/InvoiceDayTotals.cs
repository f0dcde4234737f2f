using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using OpenTrain.Clean.Application.Reports;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// Keeps <see cref="InvoiceDayTotal"/> rows equal to the invoices. On every save that adds an invoice or
/// changes its payment status (or its kind, issue time or total, or deletes it, which nothing does today)
/// it moves the invoice's count and amount from its old row to its new one: in the save's transaction and
/// before the save's own statements, so a failed save rolls both back and a retried save recomputes from
/// the same entries. A save outside any transaction gets one here, committed with the save.
/// Changes that bypass the change tracker (ExecuteUpdate, raw SQL on Invoices) would bypass this too:
/// none exists, and none may be written.
/// </summary>
internal sealed class InvoiceDayTotals : SaveChangesInterceptor
{
    public const int EnumLength = 32;
    public const int CurrencyLength = 3;

    /// <summary>SQLite's upsert: the write lock is the database's, so one statement is safe.</summary>
    private const string SqliteUpsert = """
        INSERT INTO "InvoiceDayTotals" ("Day", "Kind", "PaymentStatus", "Currency", "Count", "TotalCents")
        VALUES ($day, $kind, $status, $currency, $count, $cents)
        ON CONFLICT ("Day", "Kind", "PaymentStatus", "Currency")
        DO UPDATE SET "Count" = "Count" + excluded."Count", "TotalCents" = "TotalCents" + excluded."TotalCents";
        """;

    /// <summary>HOLDLOCK: a concurrent writer of the same key waits for the row (or its gap) instead of inserting it twice.</summary>
    private const string SqlServerMerge = """
        MERGE [InvoiceDayTotals] WITH (HOLDLOCK) AS target
        USING (SELECT @day AS [Day], @kind AS [Kind], @status AS [PaymentStatus], @currency AS [Currency]) AS source
        ON target.[Day] = source.[Day] AND target.[Kind] = source.[Kind] AND target.[PaymentStatus] = source.[PaymentStatus] AND target.[Currency] = source.[Currency]
        WHEN MATCHED THEN UPDATE SET [Count] = target.[Count] + @count, [TotalCents] = target.[TotalCents] + @cents
        WHEN NOT MATCHED THEN INSERT ([Day], [Kind], [PaymentStatus], [Currency], [Count], [TotalCents])
            VALUES (source.[Day], source.[Kind], source.[PaymentStatus], source.[Currency], @count, @cents);
        """;

    /// <summary>The transactions this interceptor began, to commit or roll back when the save ends.</summary>
    private readonly ConditionalWeakTable<DbContext, IDbContextTransaction> _owned = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Apply(eventData.Context, synchronous: true, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        await Apply(eventData.Context, synchronous: false, cancellationToken);
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (Release(eventData.Context) is { } transaction)
        {
            using (transaction)
            {
                transaction.Commit();
            }
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (Release(eventData.Context) is { } transaction)
        {
            await using (transaction)
            {
                await transaction.CommitAsync(CancellationToken.None);
            }
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Release(eventData?.Context)?.Dispose();

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Release(eventData?.Context) is { } transaction)
        {
            await transaction.DisposeAsync();
        }
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Release(eventData?.Context)?.Dispose();

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Release(eventData?.Context) is { } transaction)
        {
            await transaction.DisposeAsync();
        }
    }

    /// <summary>What the save changes in the day totals: one net amount per row, in key order (the order rows are locked in).</summary>
    internal static List<(Key Row, int Count, long Cents)> Changes(DbContext context)
    {
        var sums = new Dictionary<Key, (int Count, long Cents)>();
        foreach (var entry in DetectedInvoiceEntries(context))
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    Move(sums, Current(entry), 1);
                    break;
                case EntityState.Modified when Original(entry) != Current(entry):
                    Move(sums, Original(entry), -1);
                    Move(sums, Current(entry), 1);
                    break;
                case EntityState.Deleted:
                    Move(sums, Original(entry), -1);
                    break;
            }
        }

        return [.. sums.Where(s => s.Value != (0, 0L)).Select(s => (s.Key, s.Value.Count, s.Value.Cents)).OrderBy(s => s.Key)];
    }

    /// <summary>
    /// The tracked invoices with their changes detected, without scanning every other tracked entity: with automatic
    /// detection on, <c>Entries&lt;Invoice&gt;()</c> runs DetectChanges over the whole context, on every save.
    /// </summary>
    private static List<EntityEntry<Invoice>> DetectedInvoiceEntries(DbContext context)
    {
        var tracker = context.ChangeTracker;
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            var entries = tracker.Entries<Invoice>().ToList();
            if (autoDetect)
            {
                foreach (var entry in entries)
                {
                    entry.DetectChanges();
                }
            }

            return entries;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private async ValueTask Apply(DbContext? context, bool synchronous, CancellationToken cancellationToken)
    {
        if (context is null)
        {
            return;
        }

        var changes = Changes(context);
        if (changes.Count == 0)
        {
            return;
        }

        if (context.Database.CurrentTransaction is null)
        {
            _owned.AddOrUpdate(context, synchronous ? context.Database.BeginTransaction() : await context.Database.BeginTransactionAsync(cancellationToken));
        }

        try
        {
            var sqlite = context.Database.IsSqlite();
            foreach (var (row, count, cents) in changes)
            {
                await using var command = CreateCommand(context.Database.GetDbConnection(), sqlite, row, count, cents);
                command.Transaction = context.Database.CurrentTransaction!.GetDbTransaction();
                _ = synchronous ? command.ExecuteNonQuery() : await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch
        {
            if (Release(context) is { } transaction)
            {
                await transaction.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The upsert for the connection's provider, with parameters typed as the columns are.</summary>
    internal static DbCommand CreateCommand(DbConnection connection, bool sqlite, Key row, int count, long cents)
    {
        var command = connection.CreateCommand();
        command.CommandText = sqlite ? SqliteUpsert : SqlServerMerge;
        var prefix = sqlite ? "$" : "@";

        // SQLite holds a DateOnly as EF Core writes it (yyyy-MM-dd text); SQL Server as a date.
        if (sqlite)
        {
            AddParameter(command, prefix + "day", row.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), DbType.String);
        }
        else
        {
            AddParameter(command, prefix + "day", row.Day.ToDateTime(TimeOnly.MinValue), DbType.Date);
        }

        AddParameter(command, prefix + "kind", row.Kind.ToString(), DbType.String, EnumLength);
        AddParameter(command, prefix + "status", row.PaymentStatus.ToString(), DbType.String, EnumLength);
        AddParameter(command, prefix + "currency", row.Currency, DbType.AnsiString, CurrencyLength);
        AddParameter(command, prefix + "count", count, DbType.Int32);
        AddParameter(command, prefix + "cents", cents, DbType.Int64);
        return command;
    }

    private static void Move(Dictionary<Key, (int Count, long Cents)> sums, (Key Row, long Cents) invoice, int sign)
    {
        var (count, cents) = sums.GetValueOrDefault(invoice.Row);
        sums[invoice.Row] = (count + sign, cents + (sign * invoice.Cents));
    }

    private static (Key Row, long Cents) Current(EntityEntry<Invoice> entry) =>
        (new Key(InvoiceDayTotal.DayOf(entry.Entity.IssuedAt), entry.Entity.Kind, entry.Entity.PaymentStatus, entry.Entity.Total.Currency), entry.Entity.Total.Amount);

    private static (Key Row, long Cents) Original(EntityEntry<Invoice> entry)
    {
        var total = entry.ComplexProperty(i => i.Total);
        return (
            new Key(
                InvoiceDayTotal.DayOf(entry.Property(i => i.IssuedAt).OriginalValue),
                entry.Property(i => i.Kind).OriginalValue,
                entry.Property(i => i.PaymentStatus).OriginalValue,
                total.Property(m => m.Currency).OriginalValue),
            total.Property(m => m.Amount).OriginalValue);
    }

    private IDbContextTransaction? Release(DbContext? context)
    {
        if (context is not null && _owned.TryGetValue(context, out var transaction))
        {
            _owned.Remove(context);
            return transaction;
        }

        return null;
    }

    private static void AddParameter(DbCommand command, string name, object value, DbType type, int size = 0)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        if (size > 0)
        {
            // Microsoft.Data.Sqlite truncates text to an explicit size, even 0.
            parameter.Size = size;
        }

        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>One row of the day totals.</summary>
    internal readonly record struct Key(DateOnly Day, InvoiceKind Kind, InvoicePaymentStatus PaymentStatus, string Currency) : IComparable<Key>
    {
        public int CompareTo(Key other)
        {
            var order = Day.CompareTo(other.Day);
            order = order != 0 ? order : Kind.CompareTo(other.Kind);
            order = order != 0 ? order : PaymentStatus.CompareTo(other.PaymentStatus);
            return order != 0 ? order : string.CompareOrdinal(Currency, other.Currency);
        }
    }
}
