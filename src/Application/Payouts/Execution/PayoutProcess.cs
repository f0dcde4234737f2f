using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>
/// Payouts, as they run, a leased batch at a time: (1) the claim (the job's lease, plus any deferral while a
/// trainer's payout setup is unfinished), committed; (2) the transfers at the provider outside any transaction,
/// each with its milestone's idempotency key; (3) the outcomes of the whole batch, committed in one transaction.
/// A crash anywhere leaves the batch's payouts to fall due again when their lease runs out; each repeated transfer
/// finds the first one, so every trainer is paid exactly once.
/// </summary>
public sealed partial class PayoutProcess(
    IUnitOfWork unitOfWork,
    PayoutSteps steps,
    IPaymentGateway payments,
    IPayoutClaims claims,
    IOptions<PayoutOptions> options,
    TimeProvider clock,
    IServiceScopeFactory scopes,
    ProviderRateLimit rateLimit,
    ILogger<PayoutProcess> logger)
{
    /// <summary>
    /// Leases up to <paramref name="batchSize"/> due payouts in one statement (any number of workers each get
    /// their own, none waits for another) and pays them: one transaction to check them, one transfer each, one
    /// transaction to record them all. One failed transfer never stops the rest; should the batch's record lose to a
    /// concurrent change of one of its milestones (a dispute, an admin), each outcome is recorded again on its own.
    /// </summary>
    public async Task<PayoutRound> PayDueAsync(int? batchSize, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var maxWait = options.Value.MaxRateLimitWait;
        if (rateLimit.PausedUntil - now > maxWait)
        {
            // The provider asked us to wait longer than a lane waits: nothing is leased that could not be sent.
            return new PayoutRound(0, 0);
        }

        var leaseUntil = now.Add(options.Value.ClaimLease);
        var due = await claims.ClaimDueAsync(batchSize ?? options.Value.BatchSize, now, leaseUntil, cancellationToken);
        if (due.Count == 0)
        {
            return new PayoutRound(0, 0);
        }

        // 1. The claim: the leases are still this worker's, the accounts can receive transfers (else deferred), committed.
        var instructions = await unitOfWork.ExecuteAsync(ct => steps.ClaimBatchAsync(due, leaseUntil, ct), cancellationToken);

        // 2. The transfers, outside any transaction, none while the provider's rate limit pauses us. A stop between two
        //    (a shutdown, a pause longer than a lane waits) leaves the rest leased: they fall due again when the lease ends.
        var outcomes = new List<(MilestoneId MilestoneId, TransferResult Result)>(instructions.Count);
        foreach (var instruction in instructions)
        {
            if (cancellationToken.IsCancellationRequested || !await WaitOutRateLimitAsync(maxWait, cancellationToken))
            {
                break;
            }

            var result = await TransferAsync(instruction);
            outcomes.Add((instruction.MilestoneId, result));
            if (result.RateLimited)
            {
                var pause = result.RetryAfter ?? options.Value.RateLimitPause;
                rateLimit.PauseUntil(clock.GetUtcNow().Add(pause));
                LogRateLimited(instruction.MilestoneId.Value, pause.TotalSeconds);
            }
        }

        // 3. The outcomes, in one transaction of their own.
        await RecordAsync(outcomes);
        cancellationToken.ThrowIfCancellationRequested();
        return new PayoutRound(due.Count, outcomes.Count);
    }

    /// <summary>
    /// Holds the next transfer while the provider's rate limit pauses this process: true to send it, false to stop the batch
    /// (a pause longer than <paramref name="maxWait"/>, or a shutdown). The wait is in real time and made once: the
    /// application's clock may be a test's, which does not move by itself.
    /// </summary>
    private async Task<bool> WaitOutRateLimitAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var pause = rateLimit.PausedUntil - clock.GetUtcNow();
        if (pause <= TimeSpan.Zero)
        {
            return true;
        }

        if (pause > maxWait)
        {
            return false;
        }

        try
        {
            await Task.Delay(pause, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RecordAsync(List<(MilestoneId MilestoneId, TransferResult Result)> outcomes)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        try
        {
            await unitOfWork.ExecuteAsync(ct => steps.RecordOutcomesAsync(outcomes, ct), CancellationToken.None);
            return;
        }
        catch (ConcurrencyConflictException exception)
        {
            // Nothing of the batch was committed; one of its milestones changed meanwhile. Each on its own, re-read.
            LogBatchConflict(exception, outcomes.Count);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Nothing was committed: the batch falls due again when its lease ends, and the retried transfers find the first ones.
            LogBatchFailed(exception, outcomes.Count);
            return;
        }

        foreach (var (milestoneId, result) in outcomes)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var services = scope.ServiceProvider;
                var own = services.GetRequiredService<PayoutSteps>();
                await services.GetRequiredService<IUnitOfWork>().ExecuteAsync(ct => own.RecordOutcomeAsync(milestoneId, result, ct), CancellationToken.None);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Retried when its lease ends and it falls due again, with the same idempotency key.
                LogFailed(exception, milestoneId.Value);
            }
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout of milestone {MilestoneId}: the provider's rate limit; no transfer is sent for {PauseSeconds} s")]
    private partial void LogRateLimited(Guid milestoneId, double pauseSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outcomes of {Count} payouts were not recorded; they fall due again when their lease ends")]
    private partial void LogBatchFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "The outcomes of {Count} payouts met a concurrent change; each is recorded on its own")]
    private partial void LogBatchConflict(Exception exception, int count);
}
