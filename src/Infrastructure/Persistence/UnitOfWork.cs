using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Infrastructure.Resilience;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// One transaction per command, begun as late as possible: the handler reads and calls the provider
/// outside it, and the transaction starts at the first statement that must be inside it (an invoice
/// number, an outbox mark) or at the save. On SQLite that keeps the database-wide write lock off
/// network calls; aggregate versions make the reads safe (a concurrent change fails the save, 409).
/// Units of work do not nest: a process that commits more than once runs one after the other.
/// </summary>
internal sealed class UnitOfWork(AppDbContext db) : IUnitOfWork
{
    private const int SqliteConstraint = 19;
    private const int MaxSaveAttempts = 3;

    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (db.InUnitOfWork)
        {
            // Inside another unit of work this one would save and commit the outer one's changes early.
            throw new InvalidOperationException("A unit of work is already running on this context; units of work do not nest.");
        }

        // A transaction begun by someone else before us (a tool, a test): save into it; its owner commits.
        var external = db.Database.CurrentTransaction is not null;
        db.InUnitOfWork = true;
        try
        {
            var result = await work(cancellationToken);
            if (external)
            {
                await db.SaveChangesAsync(cancellationToken);
                return result;
            }

            await CommitAsync(cancellationToken);
            return result;
        }
        catch (DbUpdateConcurrencyException exception)
        {
            throw Conflict("The resource was changed by another request; reload it and try again.", exception);
        }
        catch (DbUpdateException exception) when (IsUniqueViolation(exception))
        {
            // Another request wrote the same unique fact first (an event id, an idempotency key).
            throw Conflict("The same change was made by a concurrent request.", exception);
        }
        catch (Exception exception) when (DatabaseFailures.Classify(exception) == DatabaseFailure.Contention)
        {
            // A deadlock victim, a lock timeout, SQLite busy: nothing was committed.
            throw Conflict("The database is busy with another change; try again.", exception);
        }
        catch (Exception exception) when (DatabaseFailures.Classify(exception) == DatabaseFailure.Unavailable)
        {
            db.ChangeTracker.Clear();
            throw new ServiceUnavailableException(DatabaseFailures.UnavailableMessage, DatabaseFailures.RetryAfter, exception);
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
        finally
        {
            db.InUnitOfWork = false;
            if (!external && db.Database.CurrentTransaction is { } transaction)
            {
                // Rolls back unless committed; either way the context is ready for the next command.
                await transaction.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Saves and commits. When the transaction begins with the save (nothing else ran in it: no invoice
    /// number, no outbox mark), losing to another writer (a deadlock, a lock timeout) is retried by saving
    /// the same changes again in a new transaction; the aggregates' versions still guard every row.
    /// Otherwise the statements that ran before the save are gone with the rollback, so the loss is answered 409.
    /// </summary>
    private async Task CommitAsync(CancellationToken cancellationToken)
    {
        var retryable = db.Database.CurrentTransaction is null;
        if (retryable && !HasAnythingToSave())
        {
            // Nothing ran in a transaction and nothing changed (a payout's lease that is already this worker's,
            // a command that found its work done): no BEGIN, no COMMIT, no turn on the write lock.
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            var transaction = db.Database.CurrentTransaction ?? await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(CancellationToken.None);
                return;
            }
            catch (Exception exception) when (retryable && attempt < MaxSaveAttempts && DatabaseFailures.IsWorthRetrying(exception))
            {
                await transaction.DisposeAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellationToken);
            }
        }
    }

    private bool HasAnythingToSave() =>
        db.ChangeTracker.HasChanges() || db.ChangeTracker.Entries<IAggregateRoot>().Any(entry => entry.Entity.DomainEvents.Count > 0);

    private ConcurrencyConflictException Conflict(string message, Exception exception)
    {
        db.ChangeTracker.Clear();
        return new ConcurrencyConflictException(message, exception);
    }

    private static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        Microsoft.Data.SqlClient.SqlException sqlServer => sqlServer.Number is 2627 or 2601,
        _ => false,
    };
}
