using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// SQLite has one writer. Without this, a second transaction's <c>BEGIN IMMEDIATE</c> finds the
/// lock taken and SQLite's busy handler sleeps (1, 2, 5 … 100 ms) and retries, so writers spend
/// their time asleep while the lock sits free. Here the writers of this process queue in memory
/// instead: a transaction waits for the gate before it begins and hands it on the moment it
/// commits, rolls back, fails or its connection closes. Writers in other processes (a separate
/// worker) still meet SQLite's own wait; a writer that cannot get the gate within
/// <see cref="MaxWait"/> goes ahead and meets it too, so a lost hand-off never blocks writes.
/// It counts the transactions that passed and the time they waited, and logs both when the process stops.
/// </summary>
internal sealed partial class SqliteWriterGate(ILogger<SqliteWriterGate>? logger = null) : DbTransactionInterceptor, IDbConnectionInterceptor, IDisposable
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private static readonly object Held = new();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _transactions;
    private long _waitTicks;
    private readonly ConditionalWeakTable<DbConnection, object> _holders = [];

    // A finished ADO.NET transaction forgets its connection: remember it from the start.
    private readonly ConditionalWeakTable<DbTransaction, DbConnection> _connections = [];

    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (!_holders.TryGetValue(connection, out _))
        {
            var started = Stopwatch.GetTimestamp();
            if (_gate.Wait(MaxWait))
            {
                _holders.AddOrUpdate(connection, Held);
            }

            Count(started);
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        // A connection still marked as holding begins again after a transaction that ended without an event: it keeps the gate.
        if (!_holders.TryGetValue(connection, out _))
        {
            var started = Stopwatch.GetTimestamp();
            if (await _gate.WaitAsync(MaxWait, cancellationToken))
            {
                _holders.AddOrUpdate(connection, Held);
            }

            Count(started);
        }

        return result;
    }

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        _connections.AddOrUpdate(result, connection);
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        _connections.AddOrUpdate(result, connection);
        return ValueTask.FromResult(result);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Leave(transaction);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(transaction);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Leave(transaction);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(transaction);
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Leave(transaction);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(transaction);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit (an exception in the unit of work) raises no transaction
    // event, but EF closes the connection it opened for it: the gate goes with it.
    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return ValueTask.FromResult(result);
    }

    /// <summary>Write transactions that went through the gate since the process started.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    public void Dispose()
    {
        if (logger is not null && Transactions > 0)
        {
            LogTotals(logger, Transactions, Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _waitTicks)).TotalSeconds);
        }

        _gate.Dispose();
    }

    private void Count(long started)
    {
        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _waitTicks, Stopwatch.GetTimestamp() - started);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite writer gate: {Transactions} write transactions, {WaitSeconds:0.0} s waited in all")]
    private static partial void LogTotals(ILogger logger, long transactions, double waitSeconds);

    private void Leave(DbTransaction transaction)
    {
        if (transaction is not null && _connections.TryGetValue(transaction, out var connection))
        {
            _connections.Remove(transaction);
            Leave(connection);
        }
    }

    private void Leave(DbConnection? connection)
    {
        if (connection is not null && _holders.Remove(connection))
        {
            _gate.Release();
        }
    }
}
