using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Application.Payouts.Execution;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;
using Quartz;

namespace OpenTrain.Clean.Infrastructure.Scheduling;

// [DisallowConcurrentExecution] only keeps one process from overlapping itself; correctness across
// processes comes from the outbox leases, the payout claims and the idempotency keys, never from Quartz.

/// <summary>Delivers due outbox messages.</summary>
[DisallowConcurrentExecution]
public sealed class OutboxDispatchJob(OutboxDispatcher dispatcher, IOptions<OutboxOptions> options) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await dispatcher.DrainAsync(cancellationToken, maxBatches: Math.Max(1, options.Value.MaxBatchesPerRun));
    }
}

/// <summary>
/// Sends due payouts and retries deferred ones: <see cref="PayoutOptions.Parallelism"/> lanes, each with its own
/// scope, lease a batch (one statement, so lanes and other workers never take the same payout) and pay it,
/// and lease again while the batches come back full.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PayoutJob(IServiceScopeFactory scopes, IOptions<PayoutOptions> options) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var payouts = options.Value;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, payouts.Parallelism),
            new ParallelOptions { MaxDegreeOfParallelism = payouts.Parallelism, CancellationToken = cancellationToken },
            async (_, ct) =>
            {
                for (var batch = 0; batch < payouts.MaxBatchesPerRun; batch++)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    if ((await scope.ServiceProvider.GetRequiredService<ISender>().Send(new PayDuePayoutsCommand(), ct)).Leased < payouts.BatchSize)
                    {
                        return;
                    }
                }
            });
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
