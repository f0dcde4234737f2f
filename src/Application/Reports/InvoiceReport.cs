using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Application.Reports;

/// <summary>
/// The Reports page: invoices by filter, newest first, keyset-paged, with totals per payment status.
/// Employers see their funding, subscription and credit-note invoices; trainers their payout
/// records; admins everything.
/// </summary>
public sealed record InvoiceReportQuery(InvoiceReportFilter Filter, int Limit = Paging.DefaultLimit, Guid? StartingAfter = null) : IQuery<InvoiceReportResponse>;

/// <param name="IssuedFrom">Issued at or after (inclusive).</param>
/// <param name="IssuedTo">Issued before (exclusive).</param>
public sealed record InvoiceReportFilter(InvoiceKind? Kind, InvoicePaymentStatus? PaymentStatus, DateTimeOffset? IssuedFrom, DateTimeOffset? IssuedTo, Guid? JobId);

/// <param name="Totals">Count and sum (cents) per payment status, over the whole filter, not just this page.</param>
public sealed record InvoiceReportResponse(IReadOnlyList<InvoiceResponse> Data, bool HasMore, string? NextCursor, IReadOnlyList<StatusTotal> Totals);

public sealed record StatusTotal(InvoicePaymentStatus PaymentStatus, int Count, long Total, string Currency);

public sealed class InvoiceReportValidator : AbstractValidator<InvoiceReportQuery>
{
    public const int MaxExportLimit = 1000;

    public InvoiceReportValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, MaxExportLimit);
        RuleFor(q => q.Filter.Kind).IsInEnum().OverridePropertyName("kind");
        RuleFor(q => q.Filter.PaymentStatus).IsInEnum().OverridePropertyName("paymentStatus");
        RuleFor(q => q.Filter.IssuedTo)
            .Must((q, to) => to is null || q.Filter.IssuedFrom is null || to > q.Filter.IssuedFrom)
            .OverridePropertyName("issuedTo").WithMessage("'issuedTo' must be after 'issuedFrom'.");
    }
}

public sealed class InvoiceReportHandler(IReadStore store, ICurrentUser user) : IQueryHandler<InvoiceReportQuery, InvoiceReportResponse>
{
    public async ValueTask<InvoiceReportResponse> Handle(InvoiceReportQuery query, CancellationToken cancellationToken)
    {
        var filtered = Filtered(store.Query<Invoice>().VisibleTo(user), query.Filter);
        var page = filtered;
        if (query.StartingAfter is { } after)
        {
            var cursor = new InvoiceId(after);
            var at = await store.FirstOrDefaultAsync(store.Query<Invoice>().VisibleTo(user).Where(i => i.Id == cursor).Select(i => (DateTimeOffset?)i.IssuedAt), cancellationToken);

            // A cursor the caller cannot see matches nothing: it must not reveal where somebody else's invoice sits.
            page = at is null ? page.Where(_ => false) : NewestFirst.After(page, i => i.IssuedAt, i => i.Id, at.Value, cursor);
        }

        var rows = await store.ToListAsync(NewestFirst.Order(page, i => i.IssuedAt, i => i.Id).Take(query.Limit + 1), cancellationToken);
        var paged = Paging.ToPage(rows.Select(i => i.ToResponse()).ToList(), query.Limit, i => i.Id.ToString());
        var totals = await store.ToListAsync(
            filtered.GroupBy(i => new { i.PaymentStatus, i.Total.Currency })
                .Select(g => new { g.Key.PaymentStatus, g.Key.Currency, Count = g.Count(), Total = g.Sum(i => i.Total.Amount) }),
            cancellationToken);
        return new InvoiceReportResponse(
            paged.Data,
            paged.HasMore,
            paged.NextCursor,
            totals.OrderBy(t => t.PaymentStatus).Select(t => new StatusTotal(t.PaymentStatus, t.Count, t.Total, t.Currency)).ToList());
    }

    internal static IQueryable<Invoice> Filtered(IQueryable<Invoice> invoices, InvoiceReportFilter filter)
    {
        if (filter.Kind is { } kind)
        {
            invoices = invoices.Where(i => i.Kind == kind);
        }

        if (filter.PaymentStatus is { } status)
        {
            invoices = invoices.Where(i => i.PaymentStatus == status);
        }

        if (filter.IssuedFrom is { } from)
        {
            invoices = invoices.Where(i => i.IssuedAt >= from);
        }

        if (filter.IssuedTo is { } to)
        {
            invoices = invoices.Where(i => i.IssuedAt < to);
        }

        if (filter.JobId is { } job)
        {
            var jobId = new JobId(job);
            invoices = invoices.Where(i => i.JobId == jobId);
        }

        return invoices;
    }
}
