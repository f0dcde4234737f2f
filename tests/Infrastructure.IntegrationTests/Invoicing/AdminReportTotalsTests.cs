using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Reports;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Invoicing;

/// <summary>
/// An admin's report totals, now whole days from the day totals and partial days from the invoices, give what the
/// GROUP BY over every matching invoice gave, for every kind, status and issue range (midnights, mid-day edges,
/// ranges within a day, open ends, other offsets).
/// </summary>
public sealed class AdminReportTotalsTests : IClassFixture<AdminReportTotalsTests.Seeded>
{
    private static readonly DateTimeOffset Midnight = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private readonly Seeded _seeded;

    public AdminReportTotalsTests(Seeded seeded) => _seeded = seeded;

    public static TheoryData<string, string?> Ranges => new()
    {
        { "open", null },
        { "midnight to midnight", "0d00:00|2d00:00" },
        { "mid-day to mid-day", "-1d21:30|2d01:15" },
        { "midnight to mid-day", "0d00:00|1d13:00" },
        { "mid-day to midnight", "0d09:45|3d00:00" },
        { "within one day", "1d02:00|1d20:00" },
        { "across one midnight only", "0d18:00|1d06:00" },
        { "to the next midnight", "1d06:00|2d00:00" },
        { "from only, mid-day", "1d12:00|" },
        { "to only, mid-day", "|1d12:00" },
        { "from only, midnight", "2d00:00|" },
        { "an instant in another offset", "0d23:30+05:00|2d02:00-03:00" },
        { "to an invoice's instant at midnight", "1d12:00|5d00:00" },
        { "from an invoice's instant at midnight", "0d00:00|0d05:00" },
        { "before every invoice", "-9d00:00|-8d00:00" },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public async Task AdminTotals_ForEveryKindAndStatusInTheRange_EqualTheGroupByOverTheInvoices(string name, string? range)
    {
        var (from, to) = Parse(range);
        var compared = 0;
        foreach (var kind in Enum.GetValues<InvoiceKind>().Cast<InvoiceKind?>().Prepend(null))
        {
            foreach (var status in Enum.GetValues<InvoicePaymentStatus>().Cast<InvoicePaymentStatus?>().Prepend(null))
            {
                var filter = new InvoiceReportFilter(kind, status, from, to, null);
                await using var db = _seeded.Database.NewContext();
                var report = await new InvoiceReportHandler(new ReadStore(db), Admin()).Handle(new InvoiceReportQuery(filter, 1, null), CancellationToken.None);

                var expected = await OldTotalsAsync(db, filter);
                Assert.True(expected.SequenceEqual(report.Totals), $"{name}, kind {kind}, status {status}: expected {string.Join("; ", expected)}, got {string.Join("; ", report.Totals)}");
                compared += expected.Count;
            }
        }

        Assert.True(name == "before every invoice" || compared > 0, "the range matched no invoice at all: the comparison proves nothing");
    }

    /// <summary>Totals are ordered by status, then currency, whichever way they were added up.</summary>
    [Fact]
    public async Task AdminTotals_WithSeveralCurrencies_AreOrderedByStatusThenCurrency()
    {
        await using var db = _seeded.Database.NewContext();
        var report = await new InvoiceReportHandler(new ReadStore(db), Admin()).Handle(new InvoiceReportQuery(new InvoiceReportFilter(null, null, null, null, null), 1, null), CancellationToken.None);

        Assert.Contains(report.Totals, t => t.Currency == "EUR");
        Assert.Equal(report.Totals.OrderBy(t => t.PaymentStatus).ThenBy(t => t.Currency, StringComparer.Ordinal), report.Totals);
        Assert.Equal(await db.Set<Invoice>().CountAsync(), report.Totals.Sum(t => t.Count));
    }

    [Theory]
    [InlineData("open", null, null)]
    [InlineData("mid-day to mid-day", "2026-03-01T21:30:00Z", "2026-03-04T01:15:00Z")]
    [InlineData("within one day", "2026-03-03T02:00:00Z", "2026-03-03T20:00:00Z")]
    public async Task SplitIntoDays_CoversTheRangeExactlyOnce(string name, string? from, string? to)
    {
        var split = IssuedDays.Split(from is null ? null : DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), to is null ? null : DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture));

        await using var db = _seeded.Database.NewContext();
        var invoices = await db.Set<Invoice>().AsNoTracking().ToListAsync();
        foreach (var invoice in invoices)
        {
            var inRange = (from is null || invoice.IssuedAt >= DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture))
                && (to is null || invoice.IssuedAt < DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture));
            var day = InvoiceDayTotal.DayOf(invoice.IssuedAt);
            var inWholeDays = split.WholeDays is { } w && (w.First is null || day >= w.First) && (w.End is null || day < w.End) ? 1 : 0;
            var inEdges = split.Edges.Count(e => (e.From is null || invoice.IssuedAt >= e.From) && (e.To is null || invoice.IssuedAt < e.To));
            Assert.True((inRange ? 1 : 0) == inWholeDays + inEdges, $"{name}: {invoice.Number} at {invoice.IssuedAt:O} counted {inWholeDays + inEdges} times");
        }
    }

    /// <summary>The totals as the report computed them before the day totals: one GROUP BY over the matching invoices.</summary>
    internal static async Task<List<StatusTotal>> OldTotalsAsync(AppDbContext db, InvoiceReportFilter f)
    {
        var job = f.JobId is { } j ? new JobId(j) : (JobId?)null;
        var rows = await db.Set<Invoice>().AsNoTracking()
            .Where(i => (f.Kind == null || i.Kind == f.Kind)
                && (f.PaymentStatus == null || i.PaymentStatus == f.PaymentStatus)
                && (f.IssuedFrom == null || i.IssuedAt >= f.IssuedFrom)
                && (f.IssuedTo == null || i.IssuedAt < f.IssuedTo)
                && (job == null || i.JobId == job))
            .GroupBy(i => new { i.PaymentStatus, i.Total.Currency })
            .Select(g => new StatusTotal(g.Key.PaymentStatus, g.Count(), g.Sum(i => i.Total.Amount), g.Key.Currency))
            .ToListAsync();
        return [.. rows.OrderBy(t => t.PaymentStatus).ThenBy(t => t.Currency, StringComparer.Ordinal)];
    }

    private static TestUser Admin() => new(new UserId(Guid.CreateVersion7()), UserRole.Admin);

    /// <summary>"1d13:00" is day 1 of the seed (2026-03-02) at 13:00 UTC; an offset may follow; "a|b" is from|to, either empty.</summary>
    private static (DateTimeOffset? From, DateTimeOffset? To) Parse(string? range)
    {
        if (range is null)
        {
            return (null, null);
        }

        var parts = range.Split('|');
        return (Instant(parts[0]), Instant(parts[1]));

        static DateTimeOffset? Instant(string text)
        {
            if (text.Length == 0)
            {
                return null;
            }

            var day = int.Parse(text[..text.IndexOf('d', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            var rest = text[(text.IndexOf('d', StringComparison.Ordinal) + 1)..];
            var offset = rest.Length > 5 ? TimeSpan.Parse(rest[5..].TrimStart('+'), System.Globalization.CultureInfo.InvariantCulture) : TimeSpan.Zero;
            var time = TimeSpan.Parse(rest[..5], System.Globalization.CultureInfo.InvariantCulture);
            var date = DateTime.SpecifyKind(Midnight.AddDays(day).UtcDateTime.Date + time, DateTimeKind.Unspecified);
            return new DateTimeOffset(date, offset);
        }
    }

    /// <summary>
    /// Invoices of every kind and status over eleven days around 2026-03-02, every five hours (two of them at midnight),
    /// in USD and EUR, with status changes after issue: written through EF Core, so the day totals are kept as in production.
    /// </summary>
    public sealed class Seeded : IDisposable
    {
        public Seeded()
        {
            Database = TestDatabase.Create();
            using var db = Database.NewContext();
            var number = 0;
            var changed = new List<Invoice>();
            for (var hour = -50; hour < 9 * 24; hour += 5)
            {
                var at = Midnight.AddHours(hour).AddMinutes(hour % 3 == 0 ? 0 : 17);
                var currency = hour % 4 == 0 ? "EUR" : Money.Usd;
                var subject = InvoiceDayTotalsTests.Subject();
                number++;
                var invoice = (number % 4) switch
                {
                    0 => Invoice.IssueFunding(Invoice.FormatNumber(InvoiceKind.EmployerFunding, 2026, number), subject, new Money(10_000 + number, currency), new Money(700, currency), Money.Zero(currency), (InvoicePaymentStatus)(number % 3), $"pi_{number}", at),
                    1 => Invoice.IssuePayout(Invoice.FormatNumber(InvoiceKind.TrainerPayout, 2026, number), subject, new Money(9_000 + number, currency), $"tr_{number}", at),
                    2 => Invoice.IssueSubscription(Invoice.FormatNumber(InvoiceKind.Subscription, 2026, number), subject.EmployerId, "Agency", new Money(9_900, currency), (InvoicePaymentStatus)(number % 3), $"in_{number}", at),
                    _ => Invoice.IssueFunding(Invoice.FormatNumber(InvoiceKind.EmployerFunding, 2026, number), subject, new Money(30_000 + number, currency), new Money(900, currency), Money.Zero(currency), InvoicePaymentStatus.Paid, $"pi_{number}", at),
                };
                db.Add(invoice);
                if (number % 4 == 3 && number % 8 == 7)
                {
                    changed.Add(invoice);
                }
            }

            db.SaveChanges();

            // Refunds and their credit notes, saved separately: statuses that moved after their invoices were counted.
            foreach (var original in changed)
            {
                original.MarkRefunded(original.IssuedAt.AddHours(30));
                db.Add(Invoice.IssueCreditNote(Invoice.FormatNumber(InvoiceKind.CreditNote, 2026, ++number), original, $"re_{number}", original.IssuedAt.AddHours(30)));
            }

            db.SaveChanges();
        }

        internal TestDatabase Database { get; }

        public void Dispose() => Database.Dispose();
    }
}
