using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.Funding;

/// <summary>
/// Step 3 of funding: applies what the provider said to the milestone, the contract and the
/// attempt's funding invoice. Safe to repeat: a result for an attempt that is no longer in flight
/// changes nothing.
/// </summary>
public sealed record RecordFundingResultCommand(Guid MilestoneId, int Attempt, FundingResult Result) : ICommand<FundingResponse>;

public sealed class RecordFundingResultHandler(
    IMilestoneRepository milestones,
    IRepository<Contract, ContractId> contracts,
    IInvoiceRepository invoices,
    InvoiceIssuer invoiceIssuer,
    Microsoft.Extensions.Options.IOptions<Common.FundingOptions> options,
    TimeProvider clock) : ICommandHandler<RecordFundingResultCommand, FundingResponse>
{
    public async ValueTask<FundingResponse> Handle(RecordFundingResultCommand command, CancellationToken cancellationToken)
    {
        var id = new MilestoneId(command.MilestoneId);
        var milestone = await milestones.FindAsync(id, cancellationToken) ?? throw new NotFoundException("Milestone", command.MilestoneId);
        var result = command.Result;
        var now = clock.GetUtcNow();
        var invoice = await invoices.FindFundingInvoiceAsync(id, command.Attempt, cancellationToken);

        var inFlight = milestone.Status == MilestoneStatus.Funding && milestone.FundingAttempts == command.Attempt;
        if (inFlight)
        {
            invoice ??= await invoiceIssuer.IssueFundingAsync(milestone, command.Attempt, result.PaymentIntentId, now, cancellationToken);
            await ApplyAsync(milestone, invoice, command.Attempt, result, now, cancellationToken);
        }

        return new FundingResponse(
            milestone.ToResponse(viewerIsEmployer: true, includeTimeline: false),
            result.Outcome,
            result.Outcome == FundingOutcome.RequiresAction ? result.ClientSecret : null,
            invoice?.Id.Value,
            result.DeclineCode,
            result.Message);
    }

    private async Task ApplyAsync(Milestone milestone, Invoice invoice, int attempt, FundingResult result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (result.Outcome)
        {
            case FundingOutcome.Succeeded:
                milestone.MarkFunded(attempt, result.PaymentIntentId ?? string.Empty, result.ChargeId, now);
                var contract = await contracts.FindAsync(milestone.ContractId, cancellationToken)
                    ?? throw new NotFoundException("Contract", milestone.ContractId);
                contract.MilestoneFunded(now);
                SetStatus(invoice, InvoicePaymentStatus.Paid, result.PaymentIntentId, now);
                break;
            case FundingOutcome.Processing:
            case FundingOutcome.RequiresAction:
                if (milestone.PaymentIntentId != result.PaymentIntentId)
                {
                    var reason = result.Outcome == FundingOutcome.Processing ? "funding_processing" : "funding_requires_action";
                    var secret = result.Outcome == FundingOutcome.RequiresAction ? result.ClientSecret : null;
                    milestone.MarkFundingAwaitingAction(attempt, result.PaymentIntentId ?? string.Empty, secret, reason, now);
                }

                milestone.ScheduleFundingCheck(now.Add(options.Value.CheckDelay(milestone.FundingChecks)));
                SetStatus(invoice, InvoicePaymentStatus.Pending, result.PaymentIntentId, now);
                break;
            case FundingOutcome.Declined:
                milestone.MarkFundingFailed(
                    attempt,
                    new FundingError(result.DeclineCode ?? "card_declined", result.Message ?? "The payment was declined."),
                    now);
                SetStatus(invoice, InvoicePaymentStatus.Failed, result.PaymentIntentId, now);
                break;
            case FundingOutcome.Unknown:
                // Neither success nor failure: the milestone stays funding and reconciliation asks the provider.
                milestone.ScheduleFundingCheck(now.Add(options.Value.CheckDelay(milestone.FundingChecks)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, null);
        }
    }

    private static void SetStatus(Invoice invoice, InvoicePaymentStatus status, string? reference, DateTimeOffset now)
    {
        if (invoice.PaymentStatus == status)
        {
            return;
        }

        switch (status)
        {
            case InvoicePaymentStatus.Paid:
                invoice.MarkPaid(reference, now);
                break;
            case InvoicePaymentStatus.Failed:
                invoice.MarkFailed(reference, now);
                break;
            default:
                invoice.MarkPending(reference, now);
                break;
        }
    }
}
