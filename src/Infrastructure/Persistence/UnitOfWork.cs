using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;

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
    private const int SqliteBusy = 5;
    private const int SqliteConstraint = 19;

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

            var transaction = db.Database.CurrentTransaction ?? await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(CancellationToken.None);
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
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteBusy)
        {
            throw Conflict("The database is busy with another change; try again.", exception);
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
