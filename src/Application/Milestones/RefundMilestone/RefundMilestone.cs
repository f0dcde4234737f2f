using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Behaviours;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.RefundMilestone;

/// <summary>
/// Support returns a held funding to the employer (admin only): a refund of the funding charge with
/// the key <c>refund-{milestone}</c> (one refund per milestone, ever), then the milestone refunded,
/// the funding invoice refunded and a credit note issued. Released money is never refundable here.
/// </summary>
public sealed record RefundMilestoneCommand(Guid MilestoneId) : ICommand<RefundResponse>, IMultiStepCommand;

public sealed record RefundResponse(MilestoneResponse Milestone, string RefundId, Guid? CreditNoteId);

public sealed class RefundMilestoneHandler(IReadStore store, IPaymentGateway payments, ISender sender) : ICommandHandler<RefundMilestoneCommand, RefundResponse>
{
    public async ValueTask<RefundResponse> Handle(RefundMilestoneCommand command, CancellationToken cancellationToken)
    {
        var id = new MilestoneId(command.MilestoneId);
        var milestone = await store.FirstOrDefaultAsync(store.Query<Milestone>().Where(m => m.Id == id), cancellationToken)
            ?? throw new NotFoundException("Milestone", command.MilestoneId);
        milestone.EnsureRefundable();
        var result = await payments.RefundAsync(
            new RefundRequest(
                milestone.PaymentIntentId ?? string.Empty,
                milestone.ChargeId,
                milestone.EmployerTotal,
                $"refund-{milestone.Id.Value:N}",
                new Dictionary<string, string> { ["milestone_id"] = milestone.Id.Value.ToString() }),
            CancellationToken.None);
        if (result.Outcome != RefundOutcome.Succeeded || result.RefundId is null)
        {
            throw new DomainException("refund_failed", $"The payment provider refused the refund: {result.Error}");
        }

        return await sender.Send(new RecordRefundCommand(command.MilestoneId, result.RefundId), CancellationToken.None);
    }
}

/// <summary>Applies a refund the provider made. Safe to repeat: a refunded milestone changes no more.</summary>
public sealed record RecordRefundCommand(Guid MilestoneId, string RefundId) : ICommand<RefundResponse>;

public sealed class RecordRefundHandler(
    IMilestoneRepository milestones,
    IInvoiceRepository invoices,
    IInvoiceNumberSequence invoiceNumbers,
    IReadStore store,
    TimeProvider clock) : ICommandHandler<RecordRefundCommand, RefundResponse>
{
    public async ValueTask<RefundResponse> Handle(RecordRefundCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(new MilestoneId(command.MilestoneId), cancellationToken)
            ?? throw new NotFoundException("Milestone", command.MilestoneId);
        if (milestone.Status == MilestoneStatus.Refunded)
        {
            var existing = await store.FirstOrDefaultAsync(
                store.Query<Invoice>().Where(i => i.MilestoneId == milestone.Id && i.Kind == InvoiceKind.CreditNote).Select(i => (InvoiceId?)i.Id),
                cancellationToken);
            return new RefundResponse(milestone.ToResponse(viewerIsEmployer: true, includeTimeline: true), milestone.RefundReference ?? command.RefundId, existing?.Value);
        }

        var now = clock.GetUtcNow();
        milestone.Refund(command.RefundId, now);
        Guid? creditNoteId = null;
        var funding = await invoices.FindFundingInvoiceAsync(milestone.Id, milestone.FundingAttempts, cancellationToken);
        if (funding is not null)
        {
            funding.MarkRefunded(now);
            var creditNote = Invoice.IssueCreditNote(await invoiceNumbers.NextAsync(InvoiceKind.CreditNote, now.Year, cancellationToken), funding, command.RefundId, now);
            invoices.Add(creditNote);
            creditNoteId = creditNote.Id.Value;
        }

        return new RefundResponse(milestone.ToResponse(viewerIsEmployer: true, includeTimeline: true), command.RefundId, creditNoteId);
    }
}
