using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// Queries run on the request's own context inside a unit of work (they must see its uncommitted
/// changes and its transaction); outside one, on SQLite, they run on a rented read connection that
/// keeps its statements prepared (<see cref="SqliteReadConnections"/>).
/// </summary>
internal sealed class ReadStore(ScopedContext scoped, SqliteReadConnections? readConnections = null) : IReadStore, IDisposable
{
    private SqliteAppDbContext? _rented;

    /// <summary>A store on one context, without read connections (tests, tools).</summary>
    public ReadStore(AppDbContext db)
        : this(new ScopedContext(() => db))
    {
    }

    private DbContext Context
    {
        get
        {
            if (readConnections is null || scoped.IfLeased is { } db && (db.InUnitOfWork || db.Database.CurrentTransaction is not null))
            {
                return scoped.Context;
            }

            return _rented ??= readConnections.Rent();
        }
    }

    public IQueryable<T> Query<T>()
        where T : class => Context.Set<T>().AsNoTracking();

    public Task<List<T>> ToListAsync<T>(IQueryable<T> query, CancellationToken cancellationToken) => query.ToListAsync(cancellationToken);

    public Task<T?> FirstOrDefaultAsync<T>(IQueryable<T> query, CancellationToken cancellationToken) => query.FirstOrDefaultAsync(cancellationToken);

    public Task<bool> AnyAsync<T>(IQueryable<T> query, CancellationToken cancellationToken) => query.AnyAsync(cancellationToken);

    public Task<TResult?> FirstOrDefaultAsync<TArgs, TResult>(CompiledRead<TArgs, TResult> read, TArgs args, CancellationToken cancellationToken)
        where TArgs : struct => CompiledQueries.FirstOrDefaultAsync(Context, read, args, cancellationToken)!;

    public Task<List<TResult>> ToListAsync<TArgs, TResult>(CompiledRead<TArgs, TResult> read, TArgs args, CancellationToken cancellationToken)
        where TArgs : struct => CompiledQueries.ToListAsync(Context, read, args, cancellationToken);

    public void Dispose()
    {
        if (_rented is { } rented)
        {
            _rented = null;
            readConnections!.Return(rented);
        }
    }
}
