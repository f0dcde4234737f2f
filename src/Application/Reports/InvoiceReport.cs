using System.Linq.Expressions;
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
    /// <summary>The caller's invoices that match the filter; a null filter field drops out of the SQL.</summary>
    private static readonly Expression<Func<IReadRoots, ReportArgs, IQueryable<Invoice>>> Filtered = (roots, a) => roots.VisibleTo<Invoice>(a.User)
        .Where(i => (a.Kind == null || i.Kind == a.Kind)
            && (a.Status == null || i.PaymentStatus == a.Status)
            && (a.From == null || i.IssuedAt >= a.From)
            && (a.To == null || i.IssuedAt < a.To)
            && (a.Job == null || i.JobId == a.Job));

    /// <summary>When the cursor invoice was issued, if the caller may see it.</summary>
    private static readonly ReadsByRole<(InvoiceId Id, UserId User), DateTimeOffset?> CursorAt =
        new((roots, a) => roots.VisibleTo<Invoice>(a.User).Where(i => i.Id == a.Id).Select(i => (DateTimeOffset?)i.IssuedAt));

    /// <summary>A page newest first (after a cursor, "not newer" first so the index seeks to it), selected as the response in the query.</summary>
    private static readonly ReadsByRole<ReportArgs, InvoiceResponse> Page = new(Filtered.Then((invoices, a) => invoices
        .Where(i => a.At == null || (i.IssuedAt <= a.At && (i.IssuedAt < a.At || i.Id < a.CursorId)))
        .OrderByDescending(i => i.IssuedAt).ThenByDescending(i => i.Id)
        .Take(a.Take)
        .Select(InvoiceMappings.Response)));

    /// <summary>Count and sum per payment status and currency over the whole filter.</summary>
    private static readonly ReadsByRole<ReportArgs, StatusTotal> Totals = new(Filtered.Then((invoices, a) => invoices
        .GroupBy(i => new { i.PaymentStatus, i.Total.Currency })
        .Select(g => new StatusTotal(g.Key.PaymentStatus, g.Count(), g.Sum(i => i.Total.Amount), g.Key.Currency))));

    /// <summary>Count and sum per payment status and currency over whole UTC days, from the maintained day totals.</summary>
    private static readonly CompiledRead<DayArgs, StatusTotal> DayTotals = new((roots, a) => roots.Set<InvoiceDayTotal>()
        .Where(t => (a.Kind == null || t.Kind == a.Kind)
            && (a.Status == null || t.PaymentStatus == a.Status)
            && (a.First == null || t.Day >= a.First)
            && (a.End == null || t.Day < a.End))
        .GroupBy(t => new { t.PaymentStatus, t.Currency })
        .Where(g => g.Sum(t => t.Count) > 0)
        .Select(g => new StatusTotal(g.Key.PaymentStatus, g.Sum(t => t.Count), g.Sum(t => t.TotalCents), g.Key.Currency)));

    public async ValueTask<InvoiceReportResponse> Handle(InvoiceReportQuery query, CancellationToken cancellationToken)
    {
        var filter = query.Filter;
        var args = new ReportArgs(user.Id, filter.Kind, filter.PaymentStatus, filter.IssuedFrom, filter.IssuedTo, filter.JobId is { } job ? new JobId(job) : null, null, default, query.Limit + 1);
        var rows = new List<InvoiceResponse>();
        if (query.StartingAfter is { } after)
        {
            var cursor = new InvoiceId(after);
            var at = await store.FirstOrDefaultAsync(CursorAt.For(user.Role), (cursor, user.Id), cancellationToken);
            args = args with { At = at, CursorId = cursor };
        }

        // A cursor the caller cannot see matches nothing: it must not reveal where somebody else's invoice sits.
        if (query.StartingAfter is null || args.At is not null)
        {
            rows = await store.ToListAsync(Page.For(user.Role), args, cancellationToken);
        }

        var paged = Paging.ToPage(rows, query.Limit, i => i.Id.ToString());
        var totals = user.Role == UserRole.Admin && args.Job is null
            ? await AdminTotalsAsync(args, cancellationToken)
            : await store.ToListAsync(Totals.For(user.Role), args, cancellationToken);
        return new InvoiceReportResponse(paged.Data, paged.HasMore, paged.NextCursor, [.. totals.OrderBy(t => t.PaymentStatus).ThenBy(t => t.Currency, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// An admin's totals cover every invoice: the whole UTC days of the range come from the day totals,
    /// the partial days at its edges from the invoices issued in them (an index range of at most a day each).
    /// An employer's, a trainer's or a job's totals stay on the invoices: an indexed set of their own.
    /// </summary>
    private async Task<List<StatusTotal>> AdminTotalsAsync(ReportArgs args, CancellationToken cancellationToken)
    {
        var split = IssuedDays.Split(args.From, args.To);
        var parts = new List<StatusTotal>();
        if (split.WholeDays is { } days)
        {
            parts.AddRange(await store.ToListAsync(DayTotals, new DayArgs(args.Kind, args.Status, days.First, days.End), cancellationToken));
        }

        foreach (var (from, to) in split.Edges)
        {
            parts.AddRange(await store.ToListAsync(Totals.For(UserRole.Admin), args with { From = from, To = to }, cancellationToken));
        }

        return [.. parts
            .GroupBy(t => (t.PaymentStatus, t.Currency))
            .Select(g => new StatusTotal(g.Key.PaymentStatus, g.Sum(t => t.Count), g.Sum(t => t.Total), g.Key.Currency))];
    }

    private readonly record struct ReportArgs(
        UserId User,
        InvoiceKind? Kind,
        InvoicePaymentStatus? Status,
        DateTimeOffset? From,
        DateTimeOffset? To,
        JobId? Job,
        DateTimeOffset? At,
        InvoiceId CursorId,
        int Take);

    private readonly record struct DayArgs(InvoiceKind? Kind, InvoicePaymentStatus? Status, DateOnly? First, DateOnly? End);
}
