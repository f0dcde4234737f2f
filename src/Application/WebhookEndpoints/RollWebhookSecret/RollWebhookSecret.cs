using Mediator;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.IntegratorEvents;

namespace OpenTrain.Clean.Application.WebhookEndpoints.RollWebhookSecret;

/// <summary>
/// A new signing secret, shown once. Until <c>previousSecretExpiresAt</c> deliveries carry a <c>v1</c>
/// signature made with each secret, so a receiver can switch to the new one without missing a delivery.
/// </summary>
public sealed record RollWebhookSecretCommand(Guid EndpointId) : ICommand<WebhookEndpointSecretResponse>;

public sealed class RollWebhookSecretHandler(IWebhookEndpointRepository endpoints, IOptions<IntegratorEventOptions> options, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<RollWebhookSecretCommand, WebhookEndpointSecretResponse>
{
    public async ValueTask<WebhookEndpointSecretResponse> Handle(RollWebhookSecretCommand command, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.LoadOwnedAsync(command.EndpointId, user, cancellationToken);
        var secret = WebhookSecrets.New();
        endpoint.RollSecret(secret, options.Value.SecretRollOverlap, clock.GetUtcNow());
        return new WebhookEndpointSecretResponse(endpoint.ToResponse(), secret, WebhookSecrets.Message);
    }
}
