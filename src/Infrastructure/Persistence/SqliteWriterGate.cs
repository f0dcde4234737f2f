using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// SQLite has one writer. Without this, a second transaction's <c>BEGIN IMMEDIATE</c> finds the
/// lock taken and SQLite's busy handler sleeps (1, 2, 5 … 100 ms) and retries, so writers spend
/// their time asleep while the lock sits free. Here the writers of this process queue in memory
/// instead: a transaction waits for the gate before it begins and hands it on the moment it
/// commits, rolls back, fails or its connection closes. Writers in other processes (a separate
/// worker) still meet SQLite's own wait; a writer that cannot get the gate within
/// <see cref="MaxWait"/> goes ahead and meets it too, so a lost hand-off never blocks writes.
/// </summary>
internal sealed class SqliteWriterGate : DbTransactionInterceptor, IDbConnectionInterceptor, IDisposable
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private static readonly object Held = new();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, object> _holders = [];

    // A finished ADO.NET transaction forgets its connection: remember it from the start.
    private readonly ConditionalWeakTable<DbTransaction, DbConnection> _connections = [];

    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (!_holders.TryGetValue(connection, out _) && _gate.Wait(MaxWait))
        {
            _holders.AddOrUpdate(connection, Held);
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        // A connection still marked as holding begins again after a transaction that ended without an event: it keeps the gate.
        if (!_holders.TryGetValue(connection, out _) && await _gate.WaitAsync(MaxWait, cancellationToken))
        {
            _holders.AddOrUpdate(connection, Held);
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

    public void Dispose() => _gate.Dispose();

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
