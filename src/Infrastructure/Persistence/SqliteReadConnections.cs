using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// SQLite's read side: open, read-only connections, each with its own context, rented by a request
/// for its queries outside a unit of work. Microsoft.Data.Sqlite compiles the SQL text again for
/// every new command, which was most of a read's cost; these connections stay open so each keeps
/// the statements it has compiled (<see cref="PreparedStatements"/>) and the per-connection PRAGMAs
/// run once. WAL lets them read while a writer commits; each statement reads the latest commit.
/// </summary>
internal sealed class SqliteReadConnections(string connectionString) : IDisposable
{
    /// <summary>Idle connections kept beyond this are closed: more are only opened under more concurrent reads.</summary>
    private const int MaxIdle = 64;

    private readonly ConcurrentBag<SqliteAppDbContext> _idle = [];
    private bool _disposed;

    public SqliteAppDbContext Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _idle.TryTake(out var context) ? context : Open();
    }

    public void Return(SqliteAppDbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_disposed || _idle.Count >= MaxIdle)
        {
            Close(context);
            return;
        }

        _idle.Add(context);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var context))
        {
            Close(context);
        }
    }

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The context and its connection are kept in the pool and closed by Close.")]
    private SqliteAppDbContext Open()
    {
        var connection = new StatementCachingConnection(connectionString);
        connection.Open();
        using (var pragmas = connection.CreateCommand())
        {
            // query_only: this connection can never write, whatever runs on it.
            pragmas.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA query_only = 1;";
            pragmas.ExecuteNonQuery();
        }

        var options = new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite(connection)
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
            .AddInterceptors(PreparedStatements.Instance)
            .Options;
        return new SqliteAppDbContext(options);
    }

    private static void Close(SqliteAppDbContext context)
    {
        var connection = context.Database.GetDbConnection();
        context.Dispose();
        connection.Dispose();
    }
}

/// <summary>A connection that keeps one prepared command per SQL text it has run.</summary>
internal sealed class StatementCachingConnection(string connectionString) : SqliteConnection(connectionString)
{
    /// <summary>Distinct SQL texts are few (one per query shape); past this a shape runs unprepared.</summary>
    private const int MaxStatements = 256;

    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);

    public DbCommand Reuse(DbCommand fresh)
    {
        if (fresh.Transaction is not null || fresh.CommandType != CommandType.Text)
        {
            return fresh;
        }

        if (!_statements.TryGetValue(fresh.CommandText, out var prepared))
        {
            if (_statements.Count >= MaxStatements)
            {
                return fresh;
            }

            prepared = CreateCommand();
            prepared.CommandText = fresh.CommandText;
            _statements[fresh.CommandText] = prepared;
        }

        prepared.CommandTimeout = fresh.CommandTimeout;
        prepared.Parameters.Clear();
        var parameters = new SqliteParameter[fresh.Parameters.Count];
        fresh.Parameters.CopyTo(parameters, 0);
        fresh.Parameters.Clear();
        fresh.Dispose();
        foreach (var parameter in parameters)
        {
            prepared.Parameters.Add(parameter);
        }

        return new ReusedCommand(prepared);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var command in _statements.Values)
            {
                command.Dispose();
            }

            _statements.Clear();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Hands EF Core the connection's prepared command for the SQL it is about to run.</summary>
internal sealed class PreparedStatements : DbCommandInterceptor
{
    public static readonly PreparedStatements Instance = new();

    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        return eventData.Connection is StatementCachingConnection connection ? connection.Reuse(result) : result;
    }
}

/// <summary>
/// A prepared command lent to EF Core for one execution: EF disposes what it ran, and disposing
/// this leaves the statement compiled on its connection for the next request.
/// </summary>
[SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The SQL is EF Core's, parameterized.")]
internal sealed class ReusedCommand(SqliteCommand inner) : DbCommand
{
    [AllowNull]
    public override string CommandText { get => inner.CommandText; set => throw new NotSupportedException(); }

    public override int CommandTimeout { get => inner.CommandTimeout; set => inner.CommandTimeout = value; }

    public override CommandType CommandType { get => inner.CommandType; set => inner.CommandType = value; }

    public override bool DesignTimeVisible { get => inner.DesignTimeVisible; set => inner.DesignTimeVisible = value; }

    public override UpdateRowSource UpdatedRowSource { get => inner.UpdatedRowSource; set => inner.UpdatedRowSource = value; }

    protected override DbConnection? DbConnection { get => inner.Connection; set => throw new NotSupportedException(); }

    protected override DbParameterCollection DbParameterCollection => inner.Parameters;

    protected override DbTransaction? DbTransaction { get => inner.Transaction; set => inner.Transaction = (SqliteTransaction?)value; }

    public override void Cancel() => inner.Cancel();

    public override int ExecuteNonQuery() => inner.ExecuteNonQuery();

    public override object? ExecuteScalar() => inner.ExecuteScalar();

    public override void Prepare() => inner.Prepare();

    protected override DbParameter CreateDbParameter() => inner.CreateParameter();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => inner.ExecuteReader(behavior);

    protected override void Dispose(bool disposing)
    {
        // The statement stays prepared on its connection; only EF's parameters go.
        if (disposing)
        {
            inner.Parameters.Clear();
        }
    }
}
