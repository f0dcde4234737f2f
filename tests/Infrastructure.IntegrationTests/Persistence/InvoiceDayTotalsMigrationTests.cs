using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using OpenTrain.Clean.Application.Reports;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Infrastructure.IntegrationTests.Invoicing;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

/// <summary>A database that had invoices before the day totals existed gets them counted by the InvoiceDayTotals migration.</summary>
public sealed class InvoiceDayTotalsMigrationTests
{
    [Fact]
    public async Task Migrate_WhenInvoicesWereIssuedBeforeTheDayTotals_BackfillsEachInItsUtcDay()
    {
        using var database = TestDatabase.Empty();

        // The release before: no day totals, so nothing keeps them while these invoices are written.
        var before = new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite(database.ConnectionString)
            .AddInterceptors(new DomainEventsToOutboxInterceptor(TimeProvider.System))
            .Options;
        await using (var db = new SqliteAppDbContext(before))
        {
            var migrations = db.Database.GetMigrations().ToList();
            await db.GetService<IMigrator>().MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith("_InvoiceDayTotals", StringComparison.Ordinal)) - 1]);

            var lastTickOfADay = new DateTimeOffset(2026, 3, 1, 23, 59, 59, TimeSpan.Zero).AddTicks(TimeSpan.TicksPerSecond - 1);
            var instants = new[]
            {
                lastTickOfADay, lastTickOfADay.AddTicks(1), lastTickOfADay.AddHours(12), new DateTimeOffset(2026, 3, 2, 1, 30, 0, TimeSpan.FromHours(5)),
                new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero), new DateTimeOffset(2031, 7, 4, 10, 0, 0, TimeSpan.FromHours(-7)),
            };
            var issued = new List<Invoice>();
            var number = 0;
            foreach (var at in instants)
            {
                foreach (var status in Enum.GetValues<InvoicePaymentStatus>().Where(s => s != InvoicePaymentStatus.Refunded))
                {
                    number++;
                    var currency = number % 3 == 0 ? "EUR" : Money.Usd;
                    issued.Add(Invoice.IssueFunding(Invoice.FormatNumber(InvoiceKind.EmployerFunding, 2026, number), InvoiceDayTotalsTests.Subject(), new Money(5_000 + number, currency), new Money(250, currency), Money.Zero(currency), status, $"pi_{number}", at));
                }

                issued.Add(Invoice.IssuePayout(Invoice.FormatNumber(InvoiceKind.TrainerPayout, 2026, ++number), InvoiceDayTotalsTests.Subject(), Money.FromCents(4_000), $"tr_{number}", at));
            }

            db.AddRange(issued);
            await db.SaveChangesAsync();
            var refunded = issued.First(i => i.PaymentStatus == InvoicePaymentStatus.Paid);
            refunded.MarkRefunded(refunded.IssuedAt.AddDays(2));
            db.Add(Invoice.IssueCreditNote(Invoice.FormatNumber(InvoiceKind.CreditNote, 2026, ++number), refunded, "re_1", refunded.IssuedAt.AddDays(2)));
            await db.SaveChangesAsync();
            Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM sqlite_master WHERE name = 'InvoiceDayTotals'").SingleAsync());

            await db.Database.MigrateAsync();
        }

        var rows = await InvoiceDayTotalsTests.AssertDayTotalsEqualInvoicesAsync(database);
        Assert.Contains(rows, r => r.Day == new DateOnly(1969, 12, 31));
        Assert.Contains(rows, r => r.Day == new DateOnly(2026, 3, 1) && r.Kind == InvoiceKind.TrainerPayout);
        Assert.Contains(rows, r => r.Day == new DateOnly(2026, 3, 2) && r.Kind == InvoiceKind.TrainerPayout && r.Count == 2);

        // The admin report over the backfilled rows answers what the GROUP BY over the invoices answered.
        await using var check = database.NewContext();
        var admin = new TestUser(new UserId(Guid.CreateVersion7()), UserRole.Admin);
        foreach (var filter in new[]
        {
            new InvoiceReportFilter(null, null, null, null, null),
            new InvoiceReportFilter(InvoiceKind.EmployerFunding, null, new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), null, null),
            new InvoiceReportFilter(null, InvoicePaymentStatus.Paid, null, new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero), null),
        })
        {
            var report = await new InvoiceReportHandler(new ReadStore(check), admin).Handle(new InvoiceReportQuery(filter, 1, null), CancellationToken.None);
            Assert.Equal(await AdminReportTotalsTests.OldTotalsAsync(check, filter), report.Totals);
        }
    }
}
