using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// Gap-free numbers: one counter row per prefix and year, incremented by a single atomic statement
/// inside the caller's transaction. A rolled-back transaction gives its number back; concurrent
/// writers queue on the row (SQLite: the database write lock; SQL Server: the MERGE's HOLDLOCK).
/// </summary>
internal sealed class InvoiceNumberSequence(AppDbContext db) : IInvoiceNumberSequence
{
    private const string SqliteUpsert = """
        INSERT INTO "InvoiceSequences" ("Prefix", "Year", "LastNumber") VALUES ($prefix, $year, 1)
        ON CONFLICT ("Prefix", "Year") DO UPDATE SET "LastNumber" = "LastNumber" + 1
        RETURNING "LastNumber";
        """;

    private const string SqlServerMerge = """
        MERGE [InvoiceSequences] WITH (HOLDLOCK) AS target
        USING (SELECT @prefix AS [Prefix], @year AS [Year]) AS source
        ON target.[Prefix] = source.[Prefix] AND target.[Year] = source.[Year]
        WHEN MATCHED THEN UPDATE SET [LastNumber] = target.[LastNumber] + 1
        WHEN NOT MATCHED THEN INSERT ([Prefix], [Year], [LastNumber]) VALUES (source.[Prefix], source.[Year], 1)
        OUTPUT inserted.[LastNumber];
        """;

    public async Task<string> NextAsync(InvoiceKind kind, int year, CancellationToken cancellationToken)
    {
        // The number is taken inside the transaction that saves the invoice: the unit of work commits it
        // with the invoice, or a rollback gives the number back. It begins here when nothing needed it sooner.
        var transaction = db.Database.CurrentTransaction ?? await db.Database.BeginTransactionAsync(cancellationToken);
        await using var command = CreateCommand(db.Database.GetDbConnection(), db.Database.IsSqlite(), Invoice.PrefixOf(kind), year);
        command.Transaction = transaction.GetDbTransaction();
        var next = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return Invoice.FormatNumber(kind, year, next);
    }

    /// <summary>The counter statement for the connection's provider, with parameters typed as the columns are.</summary>
    internal static DbCommand CreateCommand(DbConnection connection, bool sqlite, string prefix, int year)
    {
        var command = connection.CreateCommand();
        command.CommandText = sqlite ? SqliteUpsert : SqlServerMerge;

        // The counter's key column is varchar(8): an nvarchar parameter would make SQL Server convert the column, not the value.
        AddParameter(command, sqlite ? "$prefix" : "@prefix", prefix, System.Data.DbType.AnsiString, InvoiceSequence.PrefixLength);
        AddParameter(command, sqlite ? "$year" : "@year", year, System.Data.DbType.Int32);
        return command;
    }

    private static void AddParameter(DbCommand command, string name, object value, System.Data.DbType type, int size = 0)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Size = size;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
