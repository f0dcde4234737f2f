using System.Globalization;
using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>
/// An accountant's year: more invoices than one page of the report (1,000), with multi-line, quoted descriptions.
/// The invoices are written straight into the database (the API would take a minute to issue them).
/// </summary>
public sealed class InvoiceReportCsvVolumeTests(InvoicingHost factory) : IClassFixture<InvoicingHost>
{
    private const int Count = 1_100;

    private const string SynchronousCsvWriteBug = "bug: GET /api/v1/reports/invoices with Accept: text/csv (src/Api/Endpoints/ReportsEndpoints.cs) writes with the synchronous "
        + "CsvWriter.WriteRecord, whose EndRecord writes to the response body synchronously once CsvHelper's buffer is mostly full; ASP.NET "
        + "disallows synchronous I/O, so an export larger than that buffer (about 64 KB: 200 ordinary invoices already, 100 not) throws "
        + "'Synchronous operations are disallowed' after the 200 and its headers were sent: the download is cut short (the client sees "
        + "'Error while copying content to a stream'). Expected: every row (WriteRecordAsync / EndRecordAsync).";

    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task ReportJson_WhenAnEmployerHasMoreInvoicesThanAPage_PagesThroughAllOfThem()
    {
        var (employer, seeded) = await SeedAsync();

        var first = await _api.ReportJsonAsync(employer, "limit=1000");
        var second = await _api.ReportJsonAsync(employer, $"limit=1000&startingAfter={first.Str("nextCursor")}");

        Assert.Equal(1000, first.Items().Count);
        Assert.True(first.Get("hasMore").GetBoolean());
        Assert.Equal(Count - 1000, second.Items().Count);
        Assert.False(second.Get("hasMore").GetBoolean());
        var ids = first.Items().Concat(second.Items()).Select(i => i.Id()).ToList();
        Assert.Equal(seeded.OrderDescending(), ids);
        var totals = Assert.Single(first.Items("totals"));
        Assert.Equal(Count, totals.Get("count").GetInt32());
    }

    [Fact]
    public async Task ReportCsv_WhenTheExportIsLargerThanOnePageAndTheWritersBuffer_ExportsEveryInvoice()
    {
        var (employer, seeded) = await SeedAsync();

        var response = await _api.ReportCsvAsync(employer);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = InvoicingCsv.Rows(InvoicingCsv.Parse(text));
        Assert.Equal(seeded.OrderDescending().Select(id => id.ToString()), rows.Select(r => r["invoice_id"]));
        Assert.All(rows, r => Assert.Matches("^Batch \\d{5}: line one\nline two, \"quoted\"$", r["description"]));
    }

    private static string Description(int i) => string.Create(CultureInfo.InvariantCulture, $"Batch {i:00000}: line one\nline two, \"quoted\"");

    private async Task<(Actor Employer, IReadOnlyList<Guid> Ids)> SeedAsync()
    {
        var employer = await _api.EmployerAsync(name: $"Volume {Guid.NewGuid():N}");
        var now = factory.Clock.GetUtcNow();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ids = await factory.QueryAsync(async db =>
        {
            var invoices = Enumerable.Range(0, Count).Select(i => Invoice.IssueFunding(
                    string.Create(CultureInfo.InvariantCulture, $"VOL-{tag}-{i:00000}"),
                    new InvoiceSubject(new UserId(employer.Id), null, JobId.New(), ContractId.New(), MilestoneId.New(), 1, $"Project {i.ToString(CultureInfo.InvariantCulture)}", Description(i)),
                    Money.FromCents(10_000 + i),
                    Money.FromCents(1_000),
                    Money.FromCents(0),
                    InvoicePaymentStatus.Paid,
                    $"pi_volume_{i}",
                    now))
                .ToList();
            db.AddRange(invoices);
            await db.SaveChangesAsync();
            return invoices.Select(i => i.Id.Value).ToList();
        });
        return (employer, ids);
    }
}
