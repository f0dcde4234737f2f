using System.Globalization;
using System.Net;
using System.Text;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>The Reports route with Accept: text/csv: the whole filter as RFC 4180 CSV, safe to open in a spreadsheet.</summary>
public sealed class InvoiceReportCsvTests(InvoicingReportFixture fixture) : IClassFixture<InvoicingReportFixture>
{
    private static readonly string[] _columns =
    [
        "number", "kind", "billing_type", "issued_at", "project_name", "description", "total_cents", "total", "currency",
        "payment_status", "payment_reference", "paid_at", "employer_id", "trainer_id", "job_id", "contract_id", "milestone_id", "invoice_id",
    ];

    private ApiClient Api => fixture.Api;

    [Fact]
    public async Task ReportCsv_WhenAccepted_ExportsAHeaderAndOneRowPerInvoiceMatchingTheJson()
    {
        var response = await Api.ReportCsvAsync(fixture.EmployerA);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("invoices.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        var records = InvoicingCsv.Parse(text);
        Assert.Equal(_columns, records[0]);
        var rows = InvoicingCsv.Rows(records);
        var json = (await Api.ReportJsonAsync(fixture.EmployerA, "limit=100")).Items();
        Assert.Equal(json.Select(i => i.Id().ToString()), rows.Select(r => r["invoice_id"]));
        foreach (var (row, invoice) in rows.Zip(json))
        {
            Assert.Equal(invoice.Str("number"), row["number"]);
            Assert.Equal(invoice.Str("kind"), row["kind"]);
            Assert.Equal(invoice.Str("billingType"), row["billing_type"]);
            Assert.Equal(invoice.Get("issuedAt").GetDateTimeOffset(), DateTimeOffset.Parse(row["issued_at"], CultureInfo.InvariantCulture));
            Assert.EndsWith("Z", row["issued_at"], StringComparison.Ordinal);
            Assert.Equal(invoice.Str("description"), row["description"]);
            Assert.Equal(invoice.Long("total").ToString(CultureInfo.InvariantCulture), row["total_cents"]);
            Assert.Equal((invoice.Long("total") / 100m).ToString("0.00", CultureInfo.InvariantCulture), row["total"]);
            Assert.Equal("USD", row["currency"]);
            Assert.Equal(invoice.Str("paymentStatus"), row["payment_status"]);
            Assert.Equal(invoice.Str("paymentReference") ?? string.Empty, row["payment_reference"]);
            Assert.Equal(fixture.EmployerA.Id.ToString(), row["employer_id"]);
            Assert.Equal(invoice.Get("jobId").ValueKind == System.Text.Json.JsonValueKind.Null ? string.Empty : invoice.Id("jobId").ToString(), row["job_id"]);
        }

        var first = rows.Single(r => r["invoice_id"] == fixture["INV1"].Id.ToString());
        Assert.Equal("559.95", first["total"]);
        Assert.Equal("55995", first["total_cents"]);
        Assert.Equal("fixed_price_milestone", first["billing_type"]);
    }

    [Fact]
    public async Task ReportCsv_WhenAProjectNameHasCommasAndQuotes_QuotesTheFieldAndDoublesTheQuotes()
    {
        var text = await CsvAsync(fixture.EmployerA, $"jobId={fixture.Job1}&kind=employer_funding");

        var rows = InvoicingCsv.Rows(InvoicingCsv.Parse(text));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(InvoicingReportFixture.QuotedProject, r["project_name"]));
        Assert.Contains(",\"Alpha, \"\"quoted\"\" labelling\",", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportCsv_WhenAProjectNameStartsWithEquals_EscapesItAgainstFormulaInjection()
    {
        var text = await CsvAsync(fixture.EmployerA, $"jobId={fixture.Job2}");

        var rows = InvoicingCsv.Rows(InvoicingCsv.Parse(text));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r =>
        {
            var project = r["project_name"];
            Assert.False(project.Length > 0 && "=+-@\t\r".Contains(project[0], StringComparison.Ordinal), $"'{project}' would run as a formula");
            Assert.Equal("'" + InvoicingReportFixture.FormulaProject, project);
        });
        Assert.DoesNotContain(",=HYPERLINK", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",\"=HYPERLINK", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind=employer_funding&paymentStatus=paid")]
    [InlineData("paymentStatus=refunded")]
    [InlineData("kind=subscription")]
    [InlineData("issuedFrom={day2}&issuedTo={day4}")]
    public async Task ReportCsv_WhenFiltered_ExportsExactlyTheInvoicesOfTheJsonFilter(string template)
    {
        var query = template
            .Replace("{day2}", InvoicingReportFixture.Instant(fixture.Day(2)), StringComparison.Ordinal)
            .Replace("{day4}", InvoicingReportFixture.Instant(fixture.Day(4)), StringComparison.Ordinal);

        var rows = InvoicingCsv.Rows(InvoicingCsv.Parse(await CsvAsync(fixture.EmployerA, query)));

        var json = (await Api.ReportJsonAsync(fixture.EmployerA, query + "&limit=100")).Items();
        Assert.NotEmpty(json);
        Assert.Equal(json.Select(i => i.Id().ToString()), rows.Select(r => r["invoice_id"]));
    }

    [Fact]
    public async Task ReportCsv_WhenALimitIsGiven_StillExportsTheWholeFilter()
    {
        var rows = InvoicingCsv.Rows(InvoicingCsv.Parse(await CsvAsync(fixture.Admin, "limit=2")));

        Assert.Equal(fixture.Invoices.Count, rows.Count);
        Assert.Equal(fixture.Invoices.Values.Select(i => i.Id.ToString()).Order(StringComparer.Ordinal), rows.Select(r => r["invoice_id"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReportCsv_WhenEachRoleExports_ContainsOnlyTheirOwnInvoices()
    {
        Assert.Equal(["INV5"], await NamesAsync(fixture.EmployerB));
        Assert.Equal(["PAY1"], await NamesAsync(fixture.TrainerT));
        Assert.Empty(await NamesAsync(fixture.TrainerU));
        Assert.Equal(["SUB1", "CRN1", "INV4", "INV3", "INV2", "INV1"], await NamesAsync(fixture.EmployerA));
        Assert.Equal(["INV5", "SUB1", "CRN1", "PAY1", "INV4", "INV3", "INV2", "INV1"], await NamesAsync(fixture.Admin));

        var empty = InvoicingCsv.Parse(await CsvAsync(fixture.Idle, string.Empty));
        Assert.Equal(_columns, Assert.Single(empty));
        var trainerRow = Assert.Single(InvoicingCsv.Rows(InvoicingCsv.Parse(await CsvAsync(fixture.TrainerT, string.Empty))));
        Assert.Equal("trainer_payout", trainerRow["kind"]);
        Assert.Equal("milestone_payout", trainerRow["billing_type"]);
        Assert.Equal(fixture.TrainerT.Id.ToString(), trainerRow["trainer_id"]);
        Assert.StartsWith("tr_", trainerRow["payment_reference"], StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<string>> NamesAsync(Actor caller) =>
        fixture.NamesOf(InvoicingCsv.Rows(InvoicingCsv.Parse(await CsvAsync(caller, string.Empty))).Select(r => Guid.Parse(r["invoice_id"])));

    private async Task<string> CsvAsync(Actor caller, string query)
    {
        var response = await Api.ReportCsvAsync(caller, query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"CSV export of '{query}': {(int)response.StatusCode} {text}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return text;
    }
}
