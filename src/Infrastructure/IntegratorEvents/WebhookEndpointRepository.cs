using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.WebhookEndpoints;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegratorEvents;

internal sealed class WebhookEndpointRepository(AppDbContext db) : IWebhookEndpointRepository
{
    public ValueTask<WebhookEndpoint?> FindAsync(WebhookEndpointId id, CancellationToken cancellationToken) =>
        db.Set<WebhookEndpoint>().FindAsync([id], cancellationToken);

    public void Add(WebhookEndpoint aggregate) => db.Set<WebhookEndpoint>().Add(aggregate);

    public void Remove(WebhookEndpoint endpoint) => db.Set<WebhookEndpoint>().Remove(endpoint);

    public async Task<IReadOnlyList<int>> SlotsOfAsync(UserId ownerId, CancellationToken cancellationToken) =>
        await db.Set<WebhookEndpoint>().AsNoTracking().Where(e => e.OwnerId == ownerId).Select(e => e.Slot).ToListAsync(cancellationToken);
}
