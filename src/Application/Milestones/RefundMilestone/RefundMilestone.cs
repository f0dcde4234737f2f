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

public sealed class RefundMilestoneHandler(IPaymentGateway payments, ISender sender) : ICommandHandler<RefundMilestoneCommand, RefundResponse>
{
    public async ValueTask<RefundResponse> Handle(RefundMilestoneCommand command, CancellationToken cancellationToken)
    {
        // Step 1, committed: the refund is under way, and no approval can release the same money meanwhile.
        var milestone = await sender.Send(new RequestRefundCommand(command.MilestoneId), cancellationToken);
        RefundResult result;
        try
        {
            result = await RefundAtProviderAsync(milestone);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not PaymentProviderException)
        {
            // The claim stays: a retry repeats the same refund (same key), which the provider made at most once.
            throw new PaymentProviderException($"The refund's outcome is unknown: {exception.Message}", exception);
        }

        if (result.Outcome != RefundOutcome.Succeeded || result.RefundId is null)
        {
            await sender.Send(new AbandonRefundCommand(command.MilestoneId, result.Error ?? "refused"), CancellationToken.None);
            throw new DomainException(ApplicationErrors.RefundFailed, $"The payment provider refused the refund: {result.Error}");
        }

        return await sender.Send(new RecordRefundCommand(command.MilestoneId, result.RefundId), CancellationToken.None);
    }

    private Task<RefundResult> RefundAtProviderAsync(Milestone milestone) =>
        payments.RefundAsync(
            new RefundRequest(
                milestone.PaymentIntentId ?? string.Empty,
                milestone.ChargeId,
                milestone.EmployerTotal,
                $"refund-{milestone.Id.Value:N}",
                new Dictionary<string, string> { ["milestone_id"] = milestone.Id.Value.ToString() }),
            CancellationToken.None);
}

/// <summary>
/// Marks the refund under way (or finds it under way after a failure to hear back: the retry repeats
/// the same provider refund, whose key is the milestone's).
/// </summary>
public sealed record RequestRefundCommand(Guid MilestoneId) : ICommand<Milestone>;

public sealed class RequestRefundHandler(IMilestoneRepository milestones, TimeProvider clock) : ICommandHandler<RequestRefundCommand, Milestone>
{
    public async ValueTask<Milestone> Handle(RequestRefundCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(new MilestoneId(command.MilestoneId), cancellationToken)
            ?? throw new NotFoundException("Milestone", command.MilestoneId);
        if (milestone.RefundRequestedAt is null)
        {
            milestone.RequestRefund(clock.GetUtcNow());
        }
        else
        {
            milestone.EnsureRefundable();
        }

        return milestone;
    }
}

public sealed record AbandonRefundCommand(Guid MilestoneId, string Reason) : ICommand<bool>;

public sealed class AbandonRefundHandler(IMilestoneRepository milestones, TimeProvider clock) : ICommandHandler<AbandonRefundCommand, bool>
{
    public async ValueTask<bool> Handle(AbandonRefundCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(new MilestoneId(command.MilestoneId), cancellationToken);
        if (milestone?.RefundRequestedAt is null)
        {
            return false;
        }

        milestone.AbandonRefund(command.Reason, clock.GetUtcNow());
        return true;
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
