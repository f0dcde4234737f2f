using Mediator;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Application.Payouts.Execution;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;
using Quartz;

namespace OpenTrain.Clean.Infrastructure.Scheduling;

// [DisallowConcurrentExecution] only keeps one process from overlapping itself; correctness across
// processes comes from the outbox leases, the payout claims and the idempotency keys, never from Quartz.

/// <summary>Delivers due outbox messages.</summary>
[DisallowConcurrentExecution]
public sealed class OutboxDispatchJob(OutboxDispatcher dispatcher) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await dispatcher.DrainAsync(cancellationToken, maxBatches: 20);
    }
}

/// <summary>Sends due payouts and retries deferred ones.</summary>
[DisallowConcurrentExecution]
public sealed class PayoutJob(IServiceScopeFactory scopes) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ISender>().Send(new PayDuePayoutsCommand(), cancellationToken);
    }
}

/// <summary>Forgets Idempotency-Key responses older than 24 hours.</summary>
[DisallowConcurrentExecution]
public sealed class IdempotencyCleanupJob(Application.Abstractions.IIdempotencyStore store) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await store.PurgeExpiredAsync(cancellationToken);
}

/// <summary>Asks the provider about fundings still in flight.</summary>
[DisallowConcurrentExecution]
public sealed class FundingReconciliationJob(IServiceScopeFactory scopes) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ReconcileFundingsCommand(), cancellationToken);
    }
}
