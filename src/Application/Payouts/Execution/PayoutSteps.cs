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
    /// payout setup is unfinished. Null when there is nothing to send now. With <paramref name="leasedUntil"/>
    /// the payout job already leased it in the database (<see cref="IPayoutClaims"/>): the lease must still be
    /// this worker's (its next attempt is exactly the lease's end), and it is not taken again.
    /// </summary>
    public async Task<PayoutInstruction?> ClaimAsync(MilestoneId milestoneId, CancellationToken cancellationToken, DateTimeOffset? leasedUntil = null)
    {
        var now = clock.GetUtcNow();
        var milestone = await milestones.FindAsync(milestoneId, cancellationToken);
        var leased = leasedUntil is { } until && milestone is not null && milestone.NextPayoutAttemptAt == until && milestone.IsPayoutDue(until);
        if (milestone is null || (!leased && !milestone.IsPayoutDue(now)))
        {
            return null;
        }

        var account = await payoutAccounts.FindAsync(milestone.TrainerId, cancellationToken);
        return Instruct(milestone, account, leased, now);
    }

    /// <summary>
    /// <see cref="ClaimAsync"/> for a batch the payout job leased until <paramref name="leasedUntil"/>: the milestones and
    /// their trainers' accounts in one query each. Payouts whose lease is no longer this worker's are left out; those whose
    /// trainer's payout setup is unfinished are deferred. The instructions come in the order of <paramref name="milestoneIds"/>.
    /// </summary>
    public async Task<IReadOnlyList<PayoutInstruction>> ClaimBatchAsync(IReadOnlyList<MilestoneId> milestoneIds, DateTimeOffset leasedUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(milestoneIds);
        var now = clock.GetUtcNow();
        var loaded = (await milestones.ListAsync(milestoneIds, cancellationToken)).ToDictionary(m => m.Id);
        var accounts = (await payoutAccounts.ListAsync([.. loaded.Values.Select(m => m.TrainerId).Distinct()], cancellationToken)).ToDictionary(a => a.Id);
        var instructions = new List<PayoutInstruction>(loaded.Count);
        foreach (var id in milestoneIds)
        {
            if (loaded.TryGetValue(id, out var milestone) && milestone.NextPayoutAttemptAt == leasedUntil && milestone.IsPayoutDue(leasedUntil)
                && Instruct(milestone, accounts.GetValueOrDefault(milestone.TrainerId), leased: true, now) is { } instruction)
            {
                instructions.Add(instruction);
            }
        }

        return instructions;
    }

    private PayoutInstruction? Instruct(Milestone milestone, TrainerPayoutAccount? account, bool leased, DateTimeOffset now)
    {
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

        if (!leased)
        {
            milestone.ClaimPayoutAttempt(now, now.Add(options.Value.ClaimLease));
        }

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
        var stillEnabled = result.Outcome == TransferOutcome.DestinationNotReady
            && await StillEnabledAsync(milestone.TrainerId, now, cancellationToken);
        if (Apply(milestone, result, stillEnabled, now))
        {
            await invoiceIssuer.IssuePayoutAsync(milestone, result.TransferId ?? string.Empty, now, cancellationToken);
        }

        return milestone.Payout.Status;
    }

    /// <summary>
    /// <see cref="RecordOutcomeAsync"/> for a batch, in the caller's one transaction: the reads and the provider's account
    /// checks first, then the outcomes, then the payout invoices with their numbers in one statement (the first write).
    /// </summary>
    public async Task<IReadOnlyList<PayoutStatus>> RecordOutcomesAsync(IReadOnlyList<(MilestoneId MilestoneId, TransferResult Result)> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var now = clock.GetUtcNow();
        var pending = new List<(Milestone Milestone, TransferResult Result)>(outcomes.Count);
        var statuses = new PayoutStatus[outcomes.Count];
        var enabled = new Dictionary<UserId, bool>();
        var loaded = (await milestones.ListAsync([.. outcomes.Select(o => o.MilestoneId)], cancellationToken)).ToDictionary(m => m.Id);
        for (var i = 0; i < outcomes.Count; i++)
        {
            var (milestoneId, result) = outcomes[i];
            ArgumentNullException.ThrowIfNull(result);
            var milestone = loaded.GetValueOrDefault(milestoneId) ?? throw new NotFoundException("Milestone", milestoneId.Value);
            pending.Add((milestone, result));
            if (milestone.Status == MilestoneStatus.PayoutPending && result.Outcome == TransferOutcome.DestinationNotReady
                && !enabled.ContainsKey(milestone.TrainerId))
            {
                enabled[milestone.TrainerId] = await StillEnabledAsync(milestone.TrainerId, now, cancellationToken);
            }
        }

        var paid = new List<(Milestone Milestone, string TransferId)>();
        for (var i = 0; i < pending.Count; i++)
        {
            var (milestone, result) = pending[i];
            if (milestone.Status == MilestoneStatus.PayoutPending && Apply(milestone, result, enabled.GetValueOrDefault(milestone.TrainerId), now))
            {
                paid.Add((milestone, result.TransferId ?? string.Empty));
            }

            statuses[i] = milestone.Payout.Status;
        }

        await invoiceIssuer.IssuePayoutsAsync(paid, now, cancellationToken);
        return statuses;
    }

    /// <summary>Applies one transfer's outcome to its pending milestone; true when it was paid (its payout invoice is due).</summary>
    private bool Apply(Milestone milestone, TransferResult result, bool stillEnabled, DateTimeOffset now)
    {
        switch (result.Outcome)
        {
            case TransferOutcome.Succeeded when milestone.IsDisputed:
                // The money left before the dispute reached us: record the transfer for an admin, never lose it.
                LogPaidWhileDisputed(milestone.Id.Value, result.TransferId);
                milestone.FailPayout($"Transfer {result.TransferId} was made while the funding charge is disputed.", now);
                return false;
            case TransferOutcome.Succeeded:
                milestone.MarkPaid(result.TransferId ?? string.Empty, now);
                return true;
            case TransferOutcome.DestinationNotReady when stillEnabled:
                // The provider refused the transfer yet reports the account enabled: retry on the schedule.
                milestone.DeferPayout(PayoutPendingReason.Retrying, now.Add(options.Value.RetryDelay(milestone.Payout.Attempts)), result.Error, now);
                return false;
            case TransferOutcome.DestinationNotReady:
                // Woken by PayoutAccountEnabled when the account becomes able to receive transfers.
                milestone.DeferPayout(PayoutPendingReason.PayoutSetupIncomplete, null, result.Error, now);
                return false;
            case TransferOutcome.Retryable:
            case TransferOutcome.Unknown:
                // On the retry schedule, and never before the provider said it may be called again (its Retry-After).
                var delay = options.Value.RetryDelay(milestone.Payout.Attempts);
                milestone.DeferPayout(PayoutPendingReason.Retrying, now.Add(result.RetryAfter > delay ? result.RetryAfter.Value : delay), result.Error, now);
                return false;
            case TransferOutcome.Failed:
                milestone.FailPayout(result.Error ?? "The payment provider refused the transfer.", now);
                return false;
            default:
                throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, null);
        }
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
