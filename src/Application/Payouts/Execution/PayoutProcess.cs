using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>
/// A payout, as it runs: (1) commit the claim, (2) transfer at the provider outside any transaction,
/// with the milestone's idempotency key, (3) commit the outcome. A crash anywhere leaves the payout
/// to fall due again when its claim runs out; the repeated transfer finds the first one, so the
/// trainer is paid exactly once.
/// </summary>
public sealed partial class PayoutProcess(
    IUnitOfWork unitOfWork,
    PayoutSteps steps,
    IPaymentGateway payments,
    IReadStore store,
    TimeProvider clock,
    ILogger<PayoutProcess> logger)
{
    /// <summary>Pays one milestone out if its payout is due; null when there was nothing to send.</summary>
    public async Task<PayoutStatus?> PayAsync(MilestoneId milestoneId, CancellationToken cancellationToken)
    {
        // 1. The claim (or a deferral while the trainer's payout setup is unfinished), committed.
        var instruction = await unitOfWork.ExecuteAsync(ct => steps.ClaimAsync(milestoneId, ct), cancellationToken);
        if (instruction is null)
        {
            return null;
        }

        // 2. The transfer, outside any transaction.
        var result = await TransferAsync(instruction);

        // 3. The outcome, in a transaction of its own.
        return await unitOfWork.ExecuteAsync(ct => steps.RecordOutcomeAsync(milestoneId, result, ct), CancellationToken.None);
    }

    /// <summary>Pays every due payout, each on its own: one failure never stops the rest.</summary>
    public async Task<int> PayDueAsync(int batchSize, CancellationToken cancellationToken)
    {
        var due = await store.ToListAsync(
            store.Query<Milestone>()
                .Where(MilestoneRules.PayoutDue.At(clock.GetUtcNow()))
                .OrderBy(m => m.NextPayoutAttemptAt)
                .Take(batchSize)
                .Select(m => m.Id),
            cancellationToken);

        var sent = 0;
        foreach (var id in due)
        {
            try
            {
                if (await PayAsync(id, cancellationToken) is not null)
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

    private async Task<TransferResult> TransferAsync(PayoutInstruction instruction)
    {
        try
        {
            return await payments.TransferAsync(instruction.Request, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Whatever failed, the request may have reached the provider: retry with the same key, on the schedule.
            LogUnknown(instruction.MilestoneId.Value, exception.Message);
            return new TransferResult(TransferOutcome.Unknown, Error: $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout of milestone {MilestoneId}: outcome unknown ({Reason}); it will be retried with the same idempotency key")]
    private partial void LogUnknown(Guid milestoneId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout of milestone {MilestoneId} did not complete this round")]
    private partial void LogFailed(Exception exception, Guid milestoneId);
}
