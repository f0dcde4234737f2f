using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Application.WebhookEndpoints.CreateWebhookEndpoint;

/// <summary>Registers a URL for the caller's events; the answer carries the signing secret, once.</summary>
public sealed record CreateWebhookEndpointCommand(string Url, IReadOnlyList<string> EventTypes, string? Description) : ICommand<WebhookEndpointSecretResponse>;

public sealed class CreateWebhookEndpointValidator : AbstractValidator<CreateWebhookEndpointCommand>
{
    public CreateWebhookEndpointValidator()
    {
        RuleFor(c => c.Url).NotEmpty().MaximumLength(WebhookEndpoint.MaxUrlLength).Must(WebhookEndpointRules.IsHttpUrl)
            .WithMessage("'Url' must be an absolute http(s) URL without credentials.");
        RuleFor(c => c.EventTypes).NotEmpty().WithMessage("'EventTypes' names at least one event type, or \"*\" for all.");
        RuleForEach(c => c.EventTypes).Must(WebhookEndpointRules.IsSubscribable).WithMessage((_, type) => WebhookEndpointRules.UnknownTypeMessage(type));
        RuleFor(c => c.Description).MaximumLength(WebhookEndpoint.MaxDescriptionLength);
    }
}

public sealed class CreateWebhookEndpointHandler(IWebhookEndpointRepository endpoints, IWebhookUrlGuard guard, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<CreateWebhookEndpointCommand, WebhookEndpointSecretResponse>
{
    public async ValueTask<WebhookEndpointSecretResponse> Handle(CreateWebhookEndpointCommand command, CancellationToken cancellationToken)
    {
        await WebhookEndpointRules.EnsureUrlAllowedAsync(guard, command.Url, cancellationToken);

        // A free slot, not a count: two creates racing for the last slot collide on the unique
        // (owner, slot) index, and the second is refused instead of making an eleventh endpoint.
        var taken = await endpoints.SlotsOfAsync(user.Id, cancellationToken);
        var slot = Enumerable.Range(1, WebhookEndpoint.MaxPerAccount).FirstOrDefault(s => !taken.Contains(s));
        if (slot == 0)
        {
            throw new DomainException(WebhookEndpointErrors.LimitReached, $"An account has at most {WebhookEndpoint.MaxPerAccount} webhook endpoints; delete one first.");
        }

        var secret = WebhookSecrets.New();
        var endpoint = WebhookEndpoint.Create(user.Id, slot, command.Url, command.EventTypes, command.Description, secret, clock.GetUtcNow());
        endpoints.Add(endpoint);
        return new WebhookEndpointSecretResponse(endpoint.ToResponse(), secret, WebhookSecrets.Message);
    }
}
