using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// SQLite's read side: open, read-only connections, each with its own context, rented by a request
/// for its queries outside a unit of work. Microsoft.Data.Sqlite compiles the SQL text again for
/// every new command, which was most of a read's cost; these connections stay open so each keeps
/// the statements it has compiled (<see cref="StatementCachingConnection"/>) and the per-connection PRAGMAs
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

/// <summary>
/// A connection that keeps one prepared command per SQL text it has run, and hands out commands that
/// run on them: EF Core sets a command's text, then its parameters, runs it and disposes it; the
/// statement stays compiled here for the next request. No interceptor is involved, so EF Core's
/// per-command diagnostics (event data, interceptor dispatch) stay off on these connections.
/// </summary>
internal sealed class StatementCachingConnection(string connectionString) : SqliteConnection(connectionString)
{
    /// <summary>Distinct SQL texts are few (one per query shape); past this a shape runs unprepared.</summary>
    private const int MaxStatements = 256;

    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);

    /// <summary>How many statements this connection keeps compiled.</summary>
    public int Statements => _statements.Count;

    /// <summary>The prepared command for <paramref name="sql"/>, or null if this connection keeps no more.</summary>
    public SqliteCommand? Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var prepared))
        {
            if (_statements.Count >= MaxStatements)
            {
                return null;
            }

            prepared = CreateCommand();
            prepared.CommandText = sql;
            _statements[sql] = prepared;
        }

        return prepared;
    }

    protected override DbCommand CreateDbCommand() => new CachedStatementCommand(this);

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

/// <summary>
/// A command of a read connection: setting its text picks the connection's prepared command for that
/// text, and everything else goes to it. Disposing it clears the parameters and leaves the statement
/// compiled. Read connections run no transactions.
/// </summary>
[SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The SQL is EF Core's, parameterized.")]
internal sealed class CachedStatementCommand(StatementCachingConnection connection) : DbCommand
{
    private SqliteCommand? _inner;
    private bool _owned;
    private int _timeout = 30;

    [AllowNull]
    public override string CommandText
    {
        get => _inner?.CommandText ?? string.Empty;
        set
        {
            ReleaseInner();
            var sql = value ?? string.Empty;
            _inner = connection.Statement(sql);
            _owned = _inner is null;
            _inner ??= new SqliteCommand(sql, connection);
            _inner.CommandTimeout = _timeout;
            _inner.Parameters.Clear();
        }
    }

    public override int CommandTimeout
    {
        get => _timeout;
        set
        {
            _timeout = value;
            _inner?.CommandTimeout = value;
        }
    }

    public override CommandType CommandType { get => CommandType.Text; set => _ = value == CommandType.Text ? value : throw new NotSupportedException("Read connections run SQL text only."); }

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection { get => connection; set => _ = value == connection ? value : throw new NotSupportedException("A read connection's command stays on its connection."); }

    protected override DbParameterCollection DbParameterCollection => Inner.Parameters;

    protected override DbTransaction? DbTransaction { get => null; set => _ = value is null ? value : throw new NotSupportedException("Read connections run no transactions."); }

    private SqliteCommand Inner => _inner ?? throw new InvalidOperationException("Set the command's text first: it picks the prepared statement.");

    public override void Cancel() => _inner?.Cancel();

    public override int ExecuteNonQuery() => Inner.ExecuteNonQuery();

    public override object? ExecuteScalar() => Inner.ExecuteScalar();

    public override void Prepare() => Inner.Prepare();

    protected override DbParameter CreateDbParameter() => new SqliteParameter();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Inner.ExecuteReader(behavior);

    protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<DbDataReader>(Inner.ExecuteReader(behavior));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReleaseInner();
        }

        base.Dispose(disposing);
    }

    private void ReleaseInner()
    {
        if (_inner is null)
        {
            return;
        }

        _inner.Parameters.Clear();
        if (_owned)
        {
            _inner.Dispose();
        }

        _inner = null;
    }
}
