using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Notifications;
using OpenTrain.Clean.Domain.IntegratorEvents;
using OpenTrain.Clean.Domain.Notifications;

namespace OpenTrain.Clean.Application.WebhookEndpoints;

/// <summary>An endpoint that failed too often is switched off: its owner hears of it in their notification feed and by e-mail.</summary>
public sealed class NotifyOwnerWhenEndpointDisabled(Notifier notifier) : IDomainEventHandler<WebhookEndpointDisabled>
{
    public Task HandleAsync(WebhookEndpointDisabled domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        return domainEvent.Reason != WebhookEndpointDisabledReason.ConsecutiveFailures
            ? Task.CompletedTask
            : notifier.NotifyAsync(
                domainEvent.OwnerId,
                NotificationKind.WebhookEndpointDisabled,
                "Webhook endpoint disabled",
                $"The last {WebhookEndpoint.FailedDeliveriesBeforeDisable} deliveries to {domainEvent.Url} failed, so the endpoint was disabled and receives nothing more. "
                + "Your events are still in GET /api/v1/events. Fix the receiver, enable the endpoint (PATCH status active) and redeliver the failed deliveries.",
                milestoneId: null,
                context,
                cancellationToken);
    }
}
