using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Application.WebhookEndpoints.UpdateWebhookEndpoint;

/// <summary>
/// Changes what is named; members left out stay. <c>status: active</c> re-enables a disabled endpoint
/// (its failure count starts again at 0), <c>status: disabled</c> pauses it. An empty description clears it.
/// </summary>
public sealed record UpdateWebhookEndpointCommand(Guid EndpointId, string? Url, IReadOnlyList<string>? EventTypes, string? Description, WebhookEndpointStatus? Status)
    : ICommand<WebhookEndpointResponse>;

public sealed class UpdateWebhookEndpointValidator : AbstractValidator<UpdateWebhookEndpointCommand>
{
    public UpdateWebhookEndpointValidator()
    {
        RuleFor(c => c.Url).MaximumLength(WebhookEndpoint.MaxUrlLength).Must(WebhookEndpointRules.IsHttpUrl).When(c => c.Url is not null)
            .WithMessage("'Url' must be an absolute http(s) URL without credentials.");
        RuleFor(c => c.EventTypes).NotEmpty().When(c => c.EventTypes is not null).WithMessage("'EventTypes' names at least one event type, or \"*\" for all.");
        RuleForEach(c => c.EventTypes).Must(WebhookEndpointRules.IsSubscribable).WithMessage((_, type) => WebhookEndpointRules.UnknownTypeMessage(type));
        RuleFor(c => c.Description).MaximumLength(WebhookEndpoint.MaxDescriptionLength);
        RuleFor(c => c.Status).IsInEnum();
    }
}

public sealed class UpdateWebhookEndpointHandler(IWebhookEndpointRepository endpoints, IWebhookUrlGuard guard, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<UpdateWebhookEndpointCommand, WebhookEndpointResponse>
{
    public async ValueTask<WebhookEndpointResponse> Handle(UpdateWebhookEndpointCommand command, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.LoadOwnedAsync(command.EndpointId, user, cancellationToken);
        var now = clock.GetUtcNow();
        if (command.Url is not null && command.Url != endpoint.Url)
        {
            await WebhookEndpointRules.EnsureUrlAllowedAsync(guard, command.Url, cancellationToken);
            endpoint.ChangeUrl(command.Url, now);
        }

        if (command.EventTypes is not null)
        {
            endpoint.ChangeEventTypes(command.EventTypes, now);
        }

        if (command.Description is not null)
        {
            endpoint.ChangeDescription(command.Description, now);
        }

        switch (command.Status)
        {
            case WebhookEndpointStatus.Active:
                endpoint.Enable(now);
                break;
            case WebhookEndpointStatus.Disabled:
                endpoint.Disable(now);
                break;
        }

        return endpoint.ToResponse();
    }
}
