using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;

namespace OpenTrain.Clean.Infrastructure.Persistence;

internal sealed class UnitOfWork(AppDbContext db) : IUnitOfWork
{
    private const int SqliteBusy = 5;

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
