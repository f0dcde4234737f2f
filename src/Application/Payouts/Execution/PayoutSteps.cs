using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>
/// The steps of a payout, each run inside a transaction its caller owns (<see cref="PayoutProcess"/>
/// commits them one at a time around the transfer). Nothing here saves.
/// </summary>
public sealed partial class PayoutSteps(
    IMilestoneRepository milestones,
    IRepository<TrainerPayoutAccount, UserId> payoutAccounts,
    InvoiceIssuer invoiceIssuer,
    IPaymentGateway payments,
    IOptions<PayoutOptions> options,
    TimeProvider clock,
    ILogger<PayoutSteps> logger)
{
    /// <summary>
    /// Takes a due payout for this worker (a lease on its next attempt), or defers it when the trainer's
    /// payout setup is unfinished. Null when there is nothing to send now.
    /// </summary>
    public async Task<PayoutInstruction?> ClaimAsync(MilestoneId milestoneId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var milestone = await milestones.FindAsync(milestoneId, cancellationToken);
        if (milestone is null || !milestone.IsPayoutDue(now))
        {
            return null;
        }

        var account = await payoutAccounts.FindAsync(milestone.TrainerId, cancellationToken);
        if (account is null || !account.CanReceiveTransfers)
        {
            // Woken when the account becomes enabled (PayoutAccountEnabled), not by the clock.
            milestone.DeferPayout(
                PayoutPendingReason.PayoutSetupIncomplete,
                nextAttemptAt: null,
                "The trainer has not finished payout setup (Settings -> Payouts).",
                now);
            return null;
        }

        milestone.ClaimPayoutAttempt(now, now.Add(options.Value.ClaimLease));
        return new PayoutInstruction(milestone.Id, new TransferRequest(
            account.ConnectedAccountId!,
            milestone.Amount,
            milestone.Funding.ChargeId,
            milestone.Id.Value.ToString(),
            ProviderIdempotencyKeys.Payout(milestone.Id),
            new Dictionary<string, string>
            {
                ["milestone_id"] = milestone.Id.Value.ToString(),
                ["contract_id"] = milestone.ContractId.Value.ToString(),
                ["job_id"] = milestone.JobId.Value.ToString(),
                ["trainer_id"] = milestone.TrainerId.Value.ToString(),
            }));
    }

    /// <summary>Applies the provider's answer to the transfer. Safe to repeat: a paid milestone changes no more.</summary>
    public async Task<PayoutStatus> RecordOutcomeAsync(MilestoneId milestoneId, TransferResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var milestone = await milestones.FindAsync(milestoneId, cancellationToken) ?? throw new NotFoundException("Milestone", milestoneId.Value);
        if (milestone.Status != MilestoneStatus.PayoutPending)
        {
            return milestone.Payout.Status;
        }

        var now = clock.GetUtcNow();
        switch (result.Outcome)
        {
            case TransferOutcome.Succeeded when milestone.IsDisputed:
                // The money left before the dispute reached us: record the transfer for an admin, never lose it.
                LogPaidWhileDisputed(milestone.Id.Value, result.TransferId);
                milestone.FailPayout($"Transfer {result.TransferId} was made while the funding charge is disputed.", now);
                break;
            case TransferOutcome.Succeeded:
                milestone.MarkPaid(result.TransferId ?? string.Empty, now);
                await invoiceIssuer.IssuePayoutAsync(milestone, result.TransferId ?? string.Empty, now, cancellationToken);
                break;
            case TransferOutcome.DestinationNotReady when await StillEnabledAsync(milestone.TrainerId, now, cancellationToken):
                // The provider refused the transfer yet reports the account enabled: retry on the schedule.
                milestone.DeferPayout(PayoutPendingReason.Retrying, now.Add(options.Value.RetryDelay(milestone.Payout.Attempts)), result.Error, now);
                break;
            case TransferOutcome.DestinationNotReady:
                // Woken by PayoutAccountEnabled when the account becomes able to receive transfers.
                milestone.DeferPayout(PayoutPendingReason.PayoutSetupIncomplete, null, result.Error, now);
                break;
            case TransferOutcome.Retryable:
            case TransferOutcome.Unknown:
                milestone.DeferPayout(PayoutPendingReason.Retrying, now.Add(options.Value.RetryDelay(milestone.Payout.Attempts)), result.Error, now);
                break;
            case TransferOutcome.Failed:
                milestone.FailPayout(result.Error ?? "The payment provider refused the transfer.", now);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, null);
        }

        return milestone.Payout.Status;
    }

    /// <summary>
    /// Re-reads the trainer's account after the provider refused a transfer to it, so that our copy
    /// stops saying enabled; its next change to enabled then raises PayoutAccountEnabled.
    /// </summary>
    private async Task<bool> StillEnabledAsync(UserId trainerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await payoutAccounts.FindAsync(trainerId, cancellationToken) is not { ConnectedAccountId: { } accountId } account)
        {
            return false;
        }

        var status = await payments.GetConnectedAccountAsync(accountId, cancellationToken);
        account.ApplyProviderStatus(status.PayoutsEnabled, status.TransfersActive, status.RequirementsDue, status.DetailsSubmitted, now);
        return account.CanReceiveTransfers;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Milestone {MilestoneId}: transfer {TransferId} succeeded while the funding is disputed; parked for an admin")]
    private partial void LogPaidWhileDisputed(Guid milestoneId, string? transferId);
}

/// <summary>A claimed payout, ready to be sent to the provider.</summary>
public sealed record PayoutInstruction(MilestoneId MilestoneId, TransferRequest Request);
