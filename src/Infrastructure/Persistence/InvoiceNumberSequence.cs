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
/// A batch takes its consecutive numbers with the same one statement (the counter moves by the count).
/// </summary>
internal sealed class InvoiceNumberSequence(AppDbContext db) : IInvoiceNumberSequence
{
    private const string SqliteUpsert = """
        INSERT INTO "InvoiceSequences" ("Prefix", "Year", "LastNumber") VALUES ($prefix, $year, $count)
        ON CONFLICT ("Prefix", "Year") DO UPDATE SET "LastNumber" = "LastNumber" + $count
        RETURNING "LastNumber";
        """;

    private const string SqlServerMerge = """
        MERGE [InvoiceSequences] WITH (HOLDLOCK) AS target
        USING (SELECT @prefix AS [Prefix], @year AS [Year]) AS source
        ON target.[Prefix] = source.[Prefix] AND target.[Year] = source.[Year]
        WHEN MATCHED THEN UPDATE SET [LastNumber] = target.[LastNumber] + @count
        WHEN NOT MATCHED THEN INSERT ([Prefix], [Year], [LastNumber]) VALUES (source.[Prefix], source.[Year], @count)
        OUTPUT inserted.[LastNumber];
        """;

    public async Task<string> NextAsync(InvoiceKind kind, int year, CancellationToken cancellationToken) =>
        (await NextAsync(kind, year, 1, cancellationToken))[0];

    public async Task<IReadOnlyList<string>> NextAsync(InvoiceKind kind, int year, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);

        // The numbers are taken inside the transaction that saves the invoices: the unit of work commits them
        // with the invoices, or a rollback gives them back. It begins here when nothing needed it sooner.
        var transaction = db.Database.CurrentTransaction ?? await db.Database.BeginTransactionAsync(cancellationToken);
        await using var command = CreateCommand(db.Database.GetDbConnection(), db.Database.IsSqlite(), Invoice.PrefixOf(kind), year, count);
        command.Transaction = transaction.GetDbTransaction();
        var last = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var numbers = new string[count];
        for (var i = 0; i < count; i++)
        {
            numbers[i] = Invoice.FormatNumber(kind, year, last - count + 1 + i);
        }

        return numbers;
    }

    /// <summary>The counter statement for the connection's provider, with parameters typed as the columns are.</summary>
    internal static DbCommand CreateCommand(DbConnection connection, bool sqlite, string prefix, int year, int count = 1)
    {
        var command = connection.CreateCommand();
        command.CommandText = sqlite ? SqliteUpsert : SqlServerMerge;

        // The counter's key column is varchar(8): an nvarchar parameter would make SQL Server convert the column, not the value.
        AddParameter(command, sqlite ? "$prefix" : "@prefix", prefix, System.Data.DbType.AnsiString, InvoiceSequence.PrefixLength);
        AddParameter(command, sqlite ? "$year" : "@year", year, System.Data.DbType.Int32);
        AddParameter(command, sqlite ? "$count" : "@count", count, System.Data.DbType.Int32);
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
