using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Domain.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegratorEvents;

/// <summary>Forgets events older than the retention period, with their deliveries (the foreign key cascades).</summary>
public sealed class IntegratorEventRetention(IServiceScopeFactory scopes, IOptions<IntegratorEventOptions> options, TimeProvider clock)
{
    private const int BatchSize = 1000;

    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var cutoff = clock.GetUtcNow().Subtract(options.Value.Retention);
            var expired = await db.Set<IntegratorEvent>()
                .Where(e => e.CreatedAt < cutoff && e.Position != null)
                .OrderBy(e => e.Position)
                .Take(BatchSize)
                .Select(e => e.Id)
                .ToListAsync(cancellationToken);
            if (expired.Count == 0)
            {
                return total;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Set<WebhookDelivery>().Where(d => expired.Contains(d.EventId)).ExecuteDeleteAsync(cancellationToken);
            total += await db.Set<IntegratorEvent>().Where(e => expired.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }
}
