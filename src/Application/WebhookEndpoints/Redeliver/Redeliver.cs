using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Application.WebhookEndpoints.Redeliver;

/// <summary>
/// Queues a delivery again, whatever its status, with a fresh set of 5 attempts and the same
/// <c>OpenTrain-Delivery</c> id. Refused while the endpoint is disabled: enable it first.
/// </summary>
public sealed record RedeliverWebhookCommand(Guid EndpointId, Guid DeliveryId) : ICommand<WebhookDeliveryResponse>;

public sealed class RedeliverWebhookHandler(
    IWebhookEndpointRepository endpoints,
    IRepository<WebhookDelivery, WebhookDeliveryId> deliveries,
    ICurrentUser user,
    TimeProvider clock) : ICommandHandler<RedeliverWebhookCommand, WebhookDeliveryResponse>
{
    public async ValueTask<WebhookDeliveryResponse> Handle(RedeliverWebhookCommand command, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.LoadOwnedAsync(command.EndpointId, user, cancellationToken);
        var delivery = await deliveries.FindAsync(new WebhookDeliveryId(command.DeliveryId), cancellationToken);
        if (delivery is null || delivery.EndpointId != endpoint.Id)
        {
            throw new NotFoundException("Webhook delivery", command.DeliveryId);
        }

        if (endpoint.Status == WebhookEndpointStatus.Disabled)
        {
            throw new DomainException(
                WebhookEndpointErrors.EndpointDisabled,
                $"Webhook endpoint {endpoint.Id} is disabled; enable it (PATCH status active), then redeliver.");
        }

        delivery.Redeliver(clock.GetUtcNow());
        return delivery.ToResponse();
    }
}
