using Quartz;

namespace OpenTrain.Clean.Infrastructure.IntegratorEvents;

/// <summary>Gives committed events their feed positions and queues their deliveries.</summary>
[DisallowConcurrentExecution]
public sealed class IntegratorEventPublishJob(IntegratorEventPublisher publisher) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await publisher.PublishAsync(cancellationToken);
}

/// <summary>Takes endpoints with due deliveries into this worker's free delivery slots; the sending runs on beyond the tick.</summary>
[DisallowConcurrentExecution]
public sealed class WebhookDeliveryJob(WebhookDeliveryDispatcher dispatcher) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await dispatcher.StartDueAsync(cancellationToken);
}

/// <summary>Forgets events (and their deliveries) older than the retention period.</summary>
[DisallowConcurrentExecution]
public sealed class IntegratorEventCleanupJob(IntegratorEventRetention retention) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await retention.PurgeExpiredAsync(cancellationToken);
}
