using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Application.Invoices.ListInvoices;

/// <summary>The caller's invoices, newest first: employers their funding and subscription invoices, trainers their payout records.</summary>
public sealed record ListInvoicesQuery(
    InvoiceKind? Kind,
    InvoicePaymentStatus? PaymentStatus,
    Guid? MilestoneId,
    int Limit = Paging.DefaultLimit,
    Guid? StartingAfter = null) : IQuery<Page<InvoiceResponse>>;

public sealed class ListInvoicesValidator : AbstractValidator<ListInvoicesQuery>
{
    public ListInvoicesValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, Paging.MaxLimit);
        RuleFor(q => q.Kind).IsInEnum();
        RuleFor(q => q.PaymentStatus).IsInEnum();
    }
}

public sealed class ListInvoicesHandler(IReadStore store, ICurrentUser user) : IQueryHandler<ListInvoicesQuery, Page<InvoiceResponse>>
{
    public async ValueTask<Page<InvoiceResponse>> Handle(ListInvoicesQuery query, CancellationToken cancellationToken)
    {
        var invoices = store.Query<Invoice>().VisibleTo(user);
        if (query.Kind is { } kind)
        {
            invoices = invoices.Where(i => i.Kind == kind);
        }

        if (query.PaymentStatus is { } status)
        {
            invoices = invoices.Where(i => i.PaymentStatus == status);
        }

        if (query.MilestoneId is { } milestone)
        {
            var milestoneId = new MilestoneId(milestone);
            invoices = invoices.Where(i => i.MilestoneId == milestoneId);
        }

        if (query.StartingAfter is { } after)
        {
            var cursor = new InvoiceId(after);
            var at = await store.FirstOrDefaultAsync(store.Query<Invoice>().VisibleTo(user).Where(i => i.Id == cursor).Select(i => (DateTimeOffset?)i.IssuedAt), cancellationToken);
            if (at is null)
            {
                return Paging.Empty<InvoiceResponse>();
            }

            invoices = NewestFirst.After(invoices, i => i.IssuedAt, i => i.Id, at.Value, cursor);
        }

        var rows = await store.ToListAsync(NewestFirst.Order(invoices, i => i.IssuedAt, i => i.Id).Take(query.Limit + 1), cancellationToken);
        return Paging.ToPage(rows.Select(i => i.ToResponse()).ToList(), query.Limit, i => i.Id.ToString());
    }
}
