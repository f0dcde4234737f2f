using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Application.WebhookEndpoints;

public interface IWebhookEndpointRepository : IRepository<WebhookEndpoint, WebhookEndpointId>
{
    /// <summary>The slots the owner's endpoints hold (each 1..10).</summary>
    Task<IReadOnlyList<int>> SlotsOfAsync(UserId ownerId, CancellationToken cancellationToken);

    /// <summary>Removes the endpoint with its deliveries.</summary>
    void Remove(WebhookEndpoint endpoint);
}

/// <summary>
/// Decides whether deliveries may be sent to a URL: outside Development only https, and never to an
/// address that is loopback, link-local, private or otherwise internal (in Development loopback is
/// allowed). Asked at registration; the sender applies the same rule to the address it connects to.
/// </summary>
public interface IWebhookUrlGuard
{
    /// <returns>Null when the URL may receive deliveries; otherwise why not, in words for the caller.</returns>
    Task<string?> RefusalAsync(string url, CancellationToken cancellationToken);
}
