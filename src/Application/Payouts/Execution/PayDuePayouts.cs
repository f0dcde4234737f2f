using Mediator;
using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Behaviours;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>The payout job's work: every due payout, each on its own, one failure never stopping the rest.</summary>
public sealed record PayDuePayoutsCommand(int BatchSize = 50) : ICommand<int>, IMultiStepCommand;

public sealed partial class PayDuePayoutsHandler(IReadStore store, PayoutProcess payouts, TimeProvider clock, ILogger<PayDuePayoutsHandler> logger)
    : ICommandHandler<PayDuePayoutsCommand, int>
{
    public async ValueTask<int> Handle(PayDuePayoutsCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await store.ToListAsync(
            store.Query<Milestone>()
                .Where(m => m.Status == MilestoneStatus.PayoutPending && m.PayoutStatus == PayoutStatus.Pending
                    && m.DisputeId == null && m.NextPayoutAttemptAt != null && m.NextPayoutAttemptAt <= now)
                .OrderBy(m => m.NextPayoutAttemptAt)
                .Take(command.BatchSize)
                .Select(m => m.Id),
            cancellationToken);

        var sent = 0;
        foreach (var id in due)
        {
            try
            {
                if (await payouts.ExecuteAsync(id.Value, cancellationToken) is not null)
                {
                    sent++;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A conflict means another worker took it; anything else is retried when it falls due again.
                LogFailed(exception, id.Value);
            }
        }

        return sent;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout of milestone {MilestoneId} did not complete this round")]
    private partial void LogFailed(Exception exception, Guid milestoneId);
}
