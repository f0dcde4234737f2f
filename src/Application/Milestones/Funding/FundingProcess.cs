using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.Funding;

/// <summary>
/// Funding, as it runs: (1) commit the attempt, (2) charge at the provider outside any transaction,
/// with the attempt's idempotency key, (3) commit the outcome. A crash between the steps leaves the
/// milestone <c>funding</c>; reconciliation repeats (2) and (3) with the same key and finds the same
/// charge. Once a charge may exist, the caller's cancellation no longer stops its outcome being written.
/// Webhooks apply step (3) in their own transaction (<see cref="FundingSteps.RecordOutcomeAsync"/>).
/// </summary>
public sealed partial class FundingProcess(
    IUnitOfWork unitOfWork,
    FundingSteps steps,
    IPaymentGateway payments,
    IReadStore store,
    TimeProvider clock,
    ILogger<FundingProcess> logger)
{
    /// <summary>Funds an existing milestone of the employer's (the Contract tab's "fund").</summary>
    public Task<FundingResponse> FundAsync(MilestoneId milestoneId, UserId employerId, CancellationToken cancellationToken) =>
        RunAsync(ct => steps.BeginAsync(milestoneId, employerId, ct), cancellationToken);

    /// <summary>
    /// Runs a funding whose first step is <paramref name="commitAttempt"/>: a new attempt on a milestone,
    /// or a hire (the contract, its first milestone and the attempt together).
    /// </summary>
    public async Task<FundingResponse> RunAsync(Func<CancellationToken, Task<FundingInstruction>> commitAttempt, CancellationToken cancellationToken)
    {
        // 1. The attempt commits before the provider hears of it.
        var instruction = await unitOfWork.ExecuteAsync(commitAttempt, cancellationToken);

        // 2. The charge, outside any transaction.
        var result = await ChargeAsync(instruction);

        // 3. The outcome, in a transaction of its own.
        return await unitOfWork.ExecuteAsync(
            ct => steps.RecordOutcomeAsync(instruction.MilestoneId, instruction.Attempt, result, ct),
            CancellationToken.None);
    }

    /// <summary>
    /// Asks the provider about one funding in flight (3-D Secure waiting, bank debit settling, outcome
    /// unknown after a timeout or a crash) and records the answer. Null when nothing was in flight.
    /// </summary>
    public async Task<FundingResponse?> ReconcileAsync(MilestoneId milestoneId, CancellationToken cancellationToken)
    {
        // 1. The check is taken (the next one pushed out, so two workers do not both ask), committed.
        var check = await unitOfWork.ExecuteAsync(ct => steps.StartCheckAsync(milestoneId, ct), cancellationToken);
        if (check is null)
        {
            return null;
        }

        // 2. The provider is asked, outside any transaction.
        var result = await AskAsync(check);

        // 3. The answer, in a transaction of its own.
        return await unitOfWork.ExecuteAsync(
            ct => steps.RecordOutcomeAsync(milestoneId, check.Attempt, result, ct),
            CancellationToken.None);
    }

    /// <summary>Reconciles every funding due a check, each on its own: one failure never stops the rest.</summary>
    public async Task<int> ReconcileDueAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await store.ToListAsync(
            store.Query<Milestone>()
                .Where(m => m.Status == MilestoneStatus.Funding && m.NextFundingCheckAt != null && m.NextFundingCheckAt <= now)
                .OrderBy(m => m.NextFundingCheckAt)
                .Take(batchSize)
                .Select(m => m.Id),
            cancellationToken);
        var settled = 0;
        foreach (var id in due)
        {
            try
            {
                if (await ReconcileAsync(id, cancellationToken) is { Outcome: FundingOutcome.Succeeded or FundingOutcome.Declined })
                {
                    settled++;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogReconciliationFailed(exception, id.Value);
            }
        }

        return settled;
    }

    /// <summary>A decline is answered with 402 and the decline code; the milestone keeps the error.</summary>
    public static FundingResponse ThrowIfDeclined(FundingResponse response, Guid contractId)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Outcome != FundingOutcome.Declined)
        {
            return response;
        }

        throw new PaymentDeclinedException(
            response.DeclineCode ?? "card_declined",
            $"{response.Message ?? "The payment was declined."} Add another payment method (POST /api/v1/billing/payment-methods) and fund the milestone again (POST /api/v1/milestones/{response.Milestone.Id}/fund).",
            new Dictionary<string, object?>
            {
                ["declineCode"] = response.DeclineCode,
                ["milestoneId"] = response.Milestone.Id,
                ["contractId"] = contractId,
                ["invoiceId"] = response.InvoiceId,
                ["milestoneStatus"] = MilestoneStatus.NotFunded.ToApiName(),
            });
    }

    private async Task<FundingResult> ChargeAsync(FundingInstruction instruction)
    {
        try
        {
            return await payments.FundAsync(instruction.Request, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not PaymentMethodRejectedException)
        {
            // Whatever failed, the request may have reached the provider: reconciliation finds out.
            LogOutcomeUnknown(instruction.MilestoneId.Value, instruction.Attempt, exception.Message);
            return new FundingResult(FundingOutcome.Unknown, Message: "The payment provider did not confirm the charge; it will be checked again shortly.");
        }
    }

    private async Task<FundingResult> AskAsync(FundingCheck check)
    {
        try
        {
            // Known intent: ask about it. No intent recorded (the request died before the answer):
            // send the same request again; its idempotency key finds the charge if there is one.
            return check.PaymentIntentId is { } intent
                ? await payments.GetFundingAsync(intent, CancellationToken.None)
                : await payments.FundAsync(check.Redrive!.Request, CancellationToken.None);
        }
        catch (PaymentProviderException exception)
        {
            return new FundingResult(FundingOutcome.Unknown, check.PaymentIntentId, Message: exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Funding attempt {Attempt} of milestone {MilestoneId}: outcome unknown ({Reason}); reconciliation will settle it")]
    private partial void LogOutcomeUnknown(Guid milestoneId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation of milestone {MilestoneId} did not complete this round")]
    private partial void LogReconciliationFailed(Exception exception, Guid milestoneId);
}
