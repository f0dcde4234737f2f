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
    /// <summary>When the cursor invoice was issued, if the caller may see it.</summary>
    private static readonly ReadsByRole<(InvoiceId Id, UserId User), DateTimeOffset?> CursorAt =
        new((roots, a) => roots.VisibleTo<Invoice>(a.User).Where(i => i.Id == a.Id).Select(i => (DateTimeOffset?)i.IssuedAt));

    /// <summary>
    /// A page newest first, selected as the response in the query (<see cref="NewestFirst"/>: the instant, then the id; after a cursor, "not newer" first so the
    /// index seeks to it); a null filter or cursor drops out of the SQL (EF Core makes one statement per null pattern).
    /// </summary>
    private static readonly ReadsByRole<PageArgs, InvoiceResponse> Page = new((roots, a) => roots.VisibleTo<Invoice>(a.User)
        .Where(i => (a.Kind == null || i.Kind == a.Kind) && (a.Status == null || i.PaymentStatus == a.Status) && (a.Milestone == null || i.MilestoneId == a.Milestone))
        .Where(i => a.At == null || (i.IssuedAt <= a.At && (i.IssuedAt < a.At || i.Id < a.CursorId)))
        .OrderByDescending(i => i.IssuedAt).ThenByDescending(i => i.Id)
        .Take(a.Take)
        .Select(InvoiceMappings.Response));

    public async ValueTask<Page<InvoiceResponse>> Handle(ListInvoicesQuery query, CancellationToken cancellationToken)
    {
        DateTimeOffset? at = null;
        var cursor = default(InvoiceId);
        if (query.StartingAfter is { } after)
        {
            cursor = new InvoiceId(after);
            at = await store.FirstOrDefaultAsync(CursorAt.For(user.Role), (cursor, user.Id), cancellationToken);
            if (at is null)
            {
                return Paging.Empty<InvoiceResponse>();
            }
        }

        var milestone = query.MilestoneId is { } id ? new MilestoneId(id) : (MilestoneId?)null;
        var rows = await store.ToListAsync(
            Page.For(user.Role),
            new PageArgs(user.Id, query.Kind, query.PaymentStatus, milestone, at, cursor, query.Limit + 1),
            cancellationToken);
        return Paging.ToPage(rows, query.Limit, i => i.Id.ToString());
    }

    private readonly record struct PageArgs(UserId User, InvoiceKind? Kind, InvoicePaymentStatus? Status, MilestoneId? Milestone, DateTimeOffset? At, InvoiceId CursorId, int Take);
}
