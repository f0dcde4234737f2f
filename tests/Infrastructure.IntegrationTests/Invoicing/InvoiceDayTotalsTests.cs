using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Reports;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Invoicing;

/// <summary>
/// The day totals the admin report adds up stay equal to the invoices grouped by UTC issue day, kind, payment
/// status and currency, whatever happens to the invoices, on a real SQLite file through EF Core.
/// </summary>
public sealed class InvoiceDayTotalsTests : IDisposable
{
    /// <summary>22:00 UTC: an invoice an hour or two later is on the next day.</summary>
    internal static readonly DateTimeOffset Start = new(2026, 3, 1, 22, 0, 0, TimeSpan.Zero);

    private readonly TestDatabase _database = TestDatabase.Create();
    private int _number;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task DayTotals_WhenInvoicesAreIssuedPaidFailedAndRefunded_EqualTheInvoicesGroupedByDay()
    {
        Invoice funding, late, failing, retried;
        await using (var db = _database.NewContext())
        {
            // A plain save (no transaction of its own): the day totals get one, committed with the save.
            funding = Funding(InvoicePaymentStatus.Pending, Start);
            late = Funding(InvoicePaymentStatus.Pending, Start.AddHours(1.5));
            failing = Funding(InvoicePaymentStatus.Pending, Start.AddHours(3));
            retried = Funding(InvoicePaymentStatus.Failed, Start.AddHours(26), "EUR");
            db.AddRange(funding, late, failing, retried, Payout(Start.AddMinutes(5)), Subscription(InvoicePaymentStatus.Paid, Start.AddHours(2), "EUR"));
            await db.SaveChangesAsync();
        }

        await AssertDayTotalsEqualInvoicesAsync();

        // Payment-status changes in a unit of work, as the webhook and funding steps make them.
        await using (var db = _database.NewContext())
        {
            await new UnitOfWork(db).ExecuteAsync(
                async ct =>
                {
                    (await db.Set<Invoice>().SingleAsync(i => i.Id == funding.Id, ct)).MarkPaid("pi_paid", Start.AddHours(4));
                    (await db.Set<Invoice>().SingleAsync(i => i.Id == failing.Id, ct)).MarkFailed("pi_failed", Start.AddHours(4));
                    (await db.Set<Invoice>().SingleAsync(i => i.Id == retried.Id, ct)).FollowPayment(InvoicePaymentStatus.Paid, "pi_retried", Start.AddHours(30));
                    (await db.Set<Invoice>().SingleAsync(i => i.Id == late.Id, ct)).FollowPayment(InvoicePaymentStatus.Pending, "pi_same", Start.AddHours(4));
                    return 0;
                },
                CancellationToken.None);
        }

        await AssertDayTotalsEqualInvoicesAsync();

        // A refund: the funding invoice turns refunded and its credit note is issued, on a later day.
        await using (var db = _database.NewContext())
        {
            await new UnitOfWork(db).ExecuteAsync(
                async ct =>
                {
                    var paid = await db.Set<Invoice>().Include(i => i.Lines).SingleAsync(i => i.Id == funding.Id, ct);
                    paid.MarkRefunded(Start.AddDays(3));
                    db.Add(Invoice.IssueCreditNote(NextNumber("CRN"), paid, "re_1", Start.AddDays(3)));
                    return 0;
                },
                CancellationToken.None);
        }

        var rows = await AssertDayTotalsEqualInvoicesAsync();
        Assert.Contains(rows, r => r.Kind == InvoiceKind.EmployerFunding && r.PaymentStatus == InvoicePaymentStatus.Refunded && r.Count == 1);
        Assert.Contains(rows, r => r.Kind == InvoiceKind.CreditNote && r.Day == InvoiceDayTotal.DayOf(Start.AddDays(3)));
    }

    [Fact]
    public async Task DayTotals_WhenEightWritersIssueInvoicesAtOnce_EqualTheInvoicesGroupedByDay()
    {
        const int writers = 8;
        const int each = 10;
        var numbers = Enumerable.Range(0, writers * each).Select(_ => NextNumber("INV")).ToArray();

        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            await using var db = _database.NewContext();
            for (var i = 0; i < each; i++)
            {
                var n = (writer * each) + i;
                var invoice = Invoice.IssueFunding(numbers[n], Subject(), Money.FromCents(10_000 + n), Money.FromCents(500), Money.FromCents(0), (InvoicePaymentStatus)(n % 3), $"pi_{n}", Start.AddMinutes(n * 3));
                await new UnitOfWork(db).ExecuteAsync(_ => Task.FromResult(db.Add(invoice)), CancellationToken.None);
            }
        })));

        var rows = await AssertDayTotalsEqualInvoicesAsync();
        Assert.Equal(writers * each, rows.Sum(r => r.Count));
    }

    [Fact]
    public async Task DayTotals_WhenTheSaveFails_KeepNothingOfIt()
    {
        await using (var db = _database.NewContext())
        {
            db.Add(Funding(InvoicePaymentStatus.Paid, Start));
            await db.SaveChangesAsync();
        }

        var before = Rows(await DayTotalsAsync());
        await using (var db = _database.NewContext())
        {
            // The second invoice repeats the first one's number: the insert fails after the day totals moved.
            var duplicate = Invoice.IssueFunding($"INV-2026-{_number:000000}", Subject(), Money.FromCents(7_000), Money.FromCents(500), Money.FromCents(0), InvoicePaymentStatus.Paid, "pi_dup", Start);
            db.AddRange(Funding(InvoicePaymentStatus.Paid, Start.AddHours(1)), duplicate);
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        Assert.Equal(before, Rows(await DayTotalsAsync()));
        await AssertDayTotalsEqualInvoicesAsync();
    }

    private Task<List<InvoiceDayTotal>> AssertDayTotalsEqualInvoicesAsync() => AssertDayTotalsEqualInvoicesAsync(_database);

    private Task<List<InvoiceDayTotal>> DayTotalsAsync() => DayTotalsAsync(_database);

    private static List<(DateOnly, InvoiceKind, InvoicePaymentStatus, string, int, long)> Rows(IEnumerable<InvoiceDayTotal> rows) =>
        [.. rows.Select(r => (r.Day, r.Kind, r.PaymentStatus, r.Currency, r.Count, r.TotalCents)).Order()];

    /// <summary>Compares the stored day totals with the invoices grouped in C# by their UTC issue day.</summary>
    internal static async Task<List<InvoiceDayTotal>> AssertDayTotalsEqualInvoicesAsync(TestDatabase database)
    {
        await using var db = database.NewContext();
        var invoices = await db.Set<Invoice>().AsNoTracking().ToListAsync();
        var expected = invoices
            .GroupBy(i => (InvoiceDayTotal.DayOf(i.IssuedAt), i.Kind, i.PaymentStatus, i.Total.Currency))
            .Select(g => (g.Key.Item1, g.Key.Kind, g.Key.PaymentStatus, g.Key.Currency, g.Count(), g.Sum(i => i.Total.Amount)))
            .Order()
            .ToList();
        var rows = await DayTotalsAsync(database);
        Assert.Equal(expected, Rows(rows));
        return rows;
    }

    private static async Task<List<InvoiceDayTotal>> DayTotalsAsync(TestDatabase database)
    {
        await using var db = database.NewContext();
        var rows = await db.Set<InvoiceDayTotal>().AsNoTracking().Where(t => t.Count != 0 || t.TotalCents != 0).ToListAsync();
        return [.. rows.OrderBy(r => r.Day).ThenBy(r => r.Kind).ThenBy(r => r.PaymentStatus).ThenBy(r => r.Currency, StringComparer.Ordinal)];
    }

    private Invoice Funding(InvoicePaymentStatus status, DateTimeOffset at, string currency = Money.Usd) =>
        Invoice.IssueFunding(NextNumber("INV"), Subject(), new Money(20_000 + _number, currency), new Money(1_000, currency), Money.Zero(currency), status, $"pi_{_number}", at);

    private Invoice Payout(DateTimeOffset at) => Invoice.IssuePayout(NextNumber("PAY"), Subject(), Money.FromCents(18_000), $"tr_{_number}", at);

    private Invoice Subscription(InvoicePaymentStatus status, DateTimeOffset at, string currency) =>
        Invoice.IssueSubscription(NextNumber("SUB"), new UserId(Guid.CreateVersion7()), "Agency", new Money(9_900, currency), status, $"in_{_number}", at);

    private string NextNumber(string prefix) => Invoice.FormatNumber(prefix switch
    {
        "PAY" => InvoiceKind.TrainerPayout,
        "SUB" => InvoiceKind.Subscription,
        "CRN" => InvoiceKind.CreditNote,
        _ => InvoiceKind.EmployerFunding,
    }, 2026, Interlocked.Increment(ref _number));

    internal static InvoiceSubject Subject() =>
        new(new UserId(Guid.CreateVersion7()), new UserId(Guid.CreateVersion7()), new JobId(Guid.CreateVersion7()), null, null, 1, "Job", "Work");
}
