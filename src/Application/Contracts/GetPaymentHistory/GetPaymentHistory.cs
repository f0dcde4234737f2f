using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Contracts.GetPaymentHistory;

/// <summary>Payment history of a contract: each approved milestone with its amount, date and payment status.</summary>
public sealed record GetPaymentHistoryQuery(Guid ContractId) : IQuery<PaymentHistoryResponse>;

public sealed record PaymentHistoryResponse(Guid ContractId, EscrowSummary Totals, IReadOnlyList<PaymentHistoryEntry> Payments);

/// <param name="Status">The milestone status (payout_pending until the transfer is made, then paid).</param>
/// <param name="FundingInvoiceId">The paid employer funding invoice.</param>
/// <param name="PayoutInvoiceId">The trainer payout invoice, once paid.</param>
public sealed record PaymentHistoryEntry(
    Guid MilestoneId,
    int Sequence,
    string Title,
    long Amount,
    string Currency,
    DateTimeOffset ApprovedAt,
    MilestoneStatus Status,
    PayoutStatus PayoutStatus,
    DateTimeOffset? PaidAt,
    string? TransferId,
    Guid? FundingInvoiceId,
    Guid? PayoutInvoiceId);

public sealed class GetPaymentHistoryHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetPaymentHistoryQuery, PaymentHistoryResponse>
{
    public async ValueTask<PaymentHistoryResponse> Handle(GetPaymentHistoryQuery query, CancellationToken cancellationToken)
    {
        var id = new ContractId(query.ContractId);
        if (!await store.AnyAsync(store.Query<Contract>().VisibleTo(user).Where(c => c.Id == id), cancellationToken))
        {
            throw new NotFoundException("Contract", query.ContractId);
        }

        var milestones = await store.ToListAsync(
            store.Query<Milestone>().Where(m => m.ContractId == id).OrderBy(m => m.Sequence)
                .Select(m => new { m.Id, m.Sequence, m.Title, m.Amount, m.Status, m.Review.ApprovedAt, PayoutStatus = m.Payout.Status, m.Payout.PaidAt, m.Payout.TransferId }),
            cancellationToken);
        var invoices = await store.ToListAsync(
            store.Query<Invoice>()
                .Where(i => i.ContractId == id && (i.Kind == InvoiceKind.TrainerPayout || (i.Kind == InvoiceKind.EmployerFunding && i.PaymentStatus == InvoicePaymentStatus.Paid)))
                .Select(i => new { i.Id, i.Kind, i.MilestoneId }),
            cancellationToken);

        Guid? InvoiceOf(MilestoneId milestoneId, InvoiceKind kind) =>
            invoices.FirstOrDefault(i => i.MilestoneId == milestoneId && i.Kind == kind)?.Id.Value;

        var payments = milestones
            .Where(m => m.ApprovedAt is not null)
            .Select(m => new PaymentHistoryEntry(
                m.Id.Value,
                m.Sequence,
                m.Title,
                m.Amount.Amount,
                m.Amount.Currency,
                m.ApprovedAt!.Value,
                m.Status,
                m.PayoutStatus,
                m.PaidAt,
                m.TransferId,
                InvoiceOf(m.Id, InvoiceKind.EmployerFunding),
                InvoiceOf(m.Id, InvoiceKind.TrainerPayout)))
            .ToList();
        return new PaymentHistoryResponse(query.ContractId, EscrowSummary.From(milestones.Select(m => (m.Status, m.Amount.Amount))), payments);
    }
}
