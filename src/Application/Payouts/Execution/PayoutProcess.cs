using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
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
    IPayoutClaims claims,
    IOptions<PayoutOptions> options,
    TimeProvider clock,
    IServiceScopeFactory scopes,
    ILogger<PayoutProcess> logger)
{
    /// <summary>Pays one milestone out if its payout is due; null when there was nothing to send.</summary>
    /// <param name="leasedUntil">Set when <see cref="PayDueAsync"/> already leased the payout (<see cref="IPayoutClaims"/>).</param>
    public async Task<PayoutStatus?> PayAsync(MilestoneId milestoneId, CancellationToken cancellationToken, DateTimeOffset? leasedUntil = null)
    {
        // 1. The claim (or a deferral while the trainer's payout setup is unfinished), committed.
        var instruction = await unitOfWork.ExecuteAsync(ct => steps.ClaimAsync(milestoneId, ct, leasedUntil), cancellationToken);
        if (instruction is null)
        {
            return null;
        }

        // 2. The transfer, outside any transaction.
        var result = await TransferAsync(instruction);

        // 3. The outcome, in a transaction of its own.
        return await unitOfWork.ExecuteAsync(ct => steps.RecordOutcomeAsync(milestoneId, result, ct), CancellationToken.None);
    }

    /// <summary>
    /// Leases up to <paramref name="batchSize"/> due payouts in one statement (any number of workers each get
    /// their own, none waits for another) and pays each on its own: one failure never stops the rest.
    /// Each payout runs in a scope of its own (its own unit of work and change tracker), so a payout's saves
    /// see only its own milestone, account and invoice, and a failed one leaves nothing behind for the next.
    /// </summary>
    public async Task<PayoutRound> PayDueAsync(int? batchSize, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var leaseUntil = now.Add(options.Value.ClaimLease);
        var due = await claims.ClaimDueAsync(batchSize ?? options.Value.BatchSize, now, leaseUntil, cancellationToken);
        var sent = 0;
        foreach (var id in due)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await scope.ServiceProvider.GetRequiredService<PayoutProcess>().PayAsync(id, cancellationToken, leaseUntil) is not null)
                {
                    sent++;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Retried when its lease ends and it falls due again, with the same idempotency key.
                LogFailed(exception, id.Value);
            }
        }

        return new PayoutRound(due.Count, sent);
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
            LogUnknown(exception, instruction.MilestoneId.Value);
            return new TransferResult(TransferOutcome.Unknown, Error: TransferErrors.Unknown);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout of milestone {MilestoneId}: outcome unknown; it will be retried with the same idempotency key")]
    private partial void LogUnknown(Exception exception, Guid milestoneId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout of milestone {MilestoneId} did not complete this round")]
    private partial void LogFailed(Exception exception, Guid milestoneId);
}
