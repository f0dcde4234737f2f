using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.RefundMilestone;

/// <summary>
/// The steps of a refund, each run inside a transaction its caller owns: <see cref="RefundProcess"/>
/// commits them one at a time around the provider's refund; webhooks (a refund made in Stripe's
/// dashboard, a lost dispute) record one in their own. Nothing here saves or calls the provider.
/// </summary>
public sealed class RefundSteps(
    IMilestoneRepository milestones,
    IInvoiceRepository invoices,
    InvoiceIssuer invoiceIssuer,
    IReadStore store,
    TimeProvider clock)
{
    /// <summary>
    /// Marks the refund under way (or finds it under way after a failure to hear back: the retry
    /// repeats the same provider refund, whose key is the milestone's) and says what to refund.
    /// </summary>
    public async Task<RefundRequest> RequestAsync(MilestoneId milestoneId, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(milestoneId, cancellationToken) ?? throw new NotFoundException("Milestone", milestoneId.Value);
        if (milestone.Refund.RequestedAt is null)
        {
            milestone.RequestRefund(clock.GetUtcNow());
        }
        else
        {
            milestone.EnsureRefundable();
        }

        return new RefundRequest(
            milestone.Funding.PaymentIntentId ?? string.Empty,
            milestone.Funding.ChargeId,
            milestone.EmployerTotal,
            ProviderIdempotencyKeys.Refund(milestone.Id),
            new Dictionary<string, string> { ["milestone_id"] = milestone.Id.Value.ToString() });
    }

    /// <summary>The provider refused the refund: the milestone is as it was before.</summary>
    public async Task<bool> AbandonAsync(MilestoneId milestoneId, string reason, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(milestoneId, cancellationToken);
        if (milestone?.Refund.RequestedAt is null)
        {
            return false;
        }

        milestone.AbandonRefund(reason, clock.GetUtcNow());
        return true;
    }

    /// <summary>
    /// Applies a refund the provider made: the milestone refunded, the funding invoice refunded and a
    /// credit note issued. Safe to repeat: a refunded milestone changes no more.
    /// </summary>
    public async Task<RefundResponse> RecordAsync(MilestoneId milestoneId, string refundId, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(milestoneId, cancellationToken) ?? throw new NotFoundException("Milestone", milestoneId.Value);
        if (milestone.Status == MilestoneStatus.Refunded)
        {
            var existing = await store.FirstOrDefaultAsync(
                store.Query<Invoice>().Where(i => i.MilestoneId == milestone.Id && i.Kind == InvoiceKind.CreditNote).Select(i => (InvoiceId?)i.Id),
                cancellationToken);
            return new RefundResponse(milestone.ToResponse(viewerIsEmployer: true, includeTimeline: true), milestone.Refund.Reference ?? refundId, existing?.Value);
        }

        var now = clock.GetUtcNow();
        milestone.MarkRefunded(refundId, now);
        Guid? creditNoteId = null;
        var funding = await FundingInvoiceAsync(milestone, cancellationToken);
        if (funding is not null)
        {
            funding.MarkRefunded(now);
            creditNoteId = (await invoiceIssuer.IssueCreditNoteAsync(funding, refundId, now, cancellationToken)).Id.Value;
        }

        return new RefundResponse(milestone.ToResponse(viewerIsEmployer: true, includeTimeline: true), refundId, creditNoteId);
    }

    /// <summary>The invoice of the attempt whose charge funds the milestone (a late success may fund it with an earlier attempt's).</summary>
    private async Task<Invoice?> FundingInvoiceAsync(Milestone milestone, CancellationToken cancellationToken)
    {
        var paymentIntentId = milestone.Funding.PaymentIntentId;
        var id = await store.FirstOrDefaultAsync(
            store.Query<Invoice>()
                .Where(i => i.MilestoneId == milestone.Id && i.Kind == InvoiceKind.EmployerFunding && i.PaymentReference == paymentIntentId)
                .Select(i => (InvoiceId?)i.Id),
            cancellationToken);
        return id is { } found
            ? await invoices.FindAsync(found, cancellationToken)
            : await invoices.FindFundingInvoiceAsync(milestone.Id, milestone.Funding.Attempts, cancellationToken);
    }
}
