using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Infrastructure.Persistence;

internal sealed class ReadStore(AppDbContext db) : IReadStore
{
    public IQueryable<T> Query<T>()
        where T : class => db.Set<T>().AsNoTracking();

    public Task<List<T>> ToListAsync<T>(IQueryable<T> query, CancellationToken cancellationToken) => query.ToListAsync(cancellationToken);

    public Task<T?> FirstOrDefaultAsync<T>(IQueryable<T> query, CancellationToken cancellationToken) => query.FirstOrDefaultAsync(cancellationToken);

    public Task<bool> AnyAsync<T>(IQueryable<T> query, CancellationToken cancellationToken) => query.AnyAsync(cancellationToken);
}
