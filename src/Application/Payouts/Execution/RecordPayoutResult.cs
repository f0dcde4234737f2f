using Mediator;
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

/// <summary>Step 3 of a payout: applies the provider's answer. Safe to repeat: a paid milestone changes no more.</summary>
public sealed record RecordPayoutResultCommand(Guid MilestoneId, TransferResult Result) : ICommand<PayoutStatus>;

public sealed partial class RecordPayoutResultHandler(
    IMilestoneRepository milestones,
    InvoiceIssuer invoiceIssuer,
    IOptions<PayoutOptions> options,
    IRepository<TrainerPayoutAccount, UserId> payoutAccounts,
    IPaymentGateway payments,
    TimeProvider clock,
    ILogger<RecordPayoutResultHandler> logger) : ICommandHandler<RecordPayoutResultCommand, PayoutStatus>
{
    public async ValueTask<PayoutStatus> Handle(RecordPayoutResultCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(new MilestoneId(command.MilestoneId), cancellationToken)
            ?? throw new NotFoundException("Milestone", command.MilestoneId);
        if (milestone.Status != MilestoneStatus.PayoutPending)
        {
            return milestone.PayoutStatus;
        }

        var now = clock.GetUtcNow();
        var result = command.Result;
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
                milestone.DeferPayout(PayoutPendingReason.Retrying, now.Add(options.Value.RetryDelay(milestone.PayoutAttempts)), result.Error, now);
                break;
            case TransferOutcome.DestinationNotReady:
                // Woken by PayoutAccountEnabled when the account becomes able to receive transfers.
                milestone.DeferPayout(PayoutPendingReason.PayoutSetupIncomplete, null, result.Error, now);
                break;
            case TransferOutcome.Retryable:
            case TransferOutcome.Unknown:
                milestone.DeferPayout(PayoutPendingReason.Retrying, now.Add(options.Value.RetryDelay(milestone.PayoutAttempts)), result.Error, now);
                break;
            case TransferOutcome.Failed:
                milestone.FailPayout(result.Error ?? "The payment provider refused the transfer.", now);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), result.Outcome, null);
        }

        return milestone.PayoutStatus;
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
