using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;

namespace OpenTrain.Clean.Infrastructure.Persistence;

internal sealed class UnitOfWork(AppDbContext db) : IUnitOfWork
{
    private const int SqliteBusy = 5;
    private const int SqliteConstraint = 19;

    private static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        Microsoft.Data.SqlClient.SqlException sqlServer => sqlServer.Number is 2627 or 2601,
        _ => false,
    };

    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (db.Database.CurrentTransaction is not null)
        {
            // A step of an enclosing transaction: it saves, the outer one commits.
            var inner = await work(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return inner;
        }

        // On SQLite this is BEGIN IMMEDIATE: writers queue on the database lock (busy timeout)
        // instead of failing at their first write.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var result = await work(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(CancellationToken.None);
            return result;
        }
        catch (DbUpdateConcurrencyException exception)
        {
            db.ChangeTracker.Clear();
            throw new ConcurrencyConflictException("The resource was changed by another request; reload it and try again.", exception);
        }
        catch (DbUpdateException exception) when (IsUniqueViolation(exception))
        {
            // Another request wrote the same unique fact first (an event id, an idempotency key).
            db.ChangeTracker.Clear();
            throw new ConcurrencyConflictException("The same change was made by a concurrent request.", exception);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteBusy)
        {
            db.ChangeTracker.Clear();
            throw new ConcurrencyConflictException("The database is busy with another change; try again.", exception);
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
    }
}
