using Mediator;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.WebhookEndpoints.DeleteWebhookEndpoint;

/// <summary>Removes the endpoint and its delivery log; pending deliveries are dropped. Its events stay in the feed.</summary>
public sealed record DeleteWebhookEndpointCommand(Guid EndpointId) : ICommand<WebhookEndpointDeletedResponse>;

public sealed class DeleteWebhookEndpointHandler(IWebhookEndpointRepository endpoints, ICurrentUser user)
    : ICommandHandler<DeleteWebhookEndpointCommand, WebhookEndpointDeletedResponse>
{
    public async ValueTask<WebhookEndpointDeletedResponse> Handle(DeleteWebhookEndpointCommand command, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.LoadOwnedAsync(command.EndpointId, user, cancellationToken);
        endpoints.Remove(endpoint);
        return new WebhookEndpointDeletedResponse(endpoint.Id.Value, Deleted: true);
    }
}
