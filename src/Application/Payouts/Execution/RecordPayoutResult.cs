using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>Step 3 of a payout: applies the provider's answer. Safe to repeat: a paid milestone changes no more.</summary>
public sealed record RecordPayoutResultCommand(Guid MilestoneId, TransferResult Result) : ICommand<PayoutStatus>;

public sealed partial class RecordPayoutResultHandler(
    IMilestoneRepository milestones,
    IRepository<Job, JobId> jobs,
    IInvoiceRepository invoices,
    IInvoiceNumberSequence invoiceNumbers,
    IOptions<PayoutOptions> options,
    TimeProvider clock,
    ILogger<RecordPayoutResultHandler> logger) : ICommandHandler<RecordPayoutResultCommand, PayoutStatus>
{
    public async ValueTask<PayoutStatus> Handle(RecordPayoutResultCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(new MilestoneId(command.MilestoneId), cancellationToken)
            ?? throw new NotFoundException("Milestone", command.MilestoneId);
        if (milestone.Status != MilestoneStatus.Releasing)
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
                await IssuePayoutInvoiceAsync(milestone, result.TransferId ?? string.Empty, now, cancellationToken);
                break;
            case TransferOutcome.DestinationNotReady:
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

    private async Task IssuePayoutInvoiceAsync(Milestone milestone, string transferId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var job = await jobs.FindAsync(milestone.JobId, cancellationToken) ?? throw new NotFoundException("Job", milestone.JobId);
        var number = await invoiceNumbers.NextAsync(InvoiceKind.TrainerPayout, now.Year, cancellationToken);
        invoices.Add(Invoice.IssuePayout(
            number,
            new InvoiceSubject(milestone.EmployerId, milestone.TrainerId, milestone.JobId, milestone.ContractId, milestone.Id, null, job.Title, milestone.Description),
            milestone.Amount,
            transferId,
            now));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Milestone {MilestoneId}: transfer {TransferId} succeeded while the funding is disputed; parked for an admin")]
    private partial void LogPaidWhileDisputed(Guid milestoneId, string? transferId);
}
