using System.Net;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>GET /api/v1/reports/invoices: filters, keyset pages, totals per status, and each role's own invoices only.</summary>
public sealed class InvoiceReportTests(InvoicingReportFixture fixture) : IClassFixture<InvoicingReportFixture>
{
    private ApiClient Api => fixture.Api;

    [Theory]
    [InlineData("kind=employer_funding", "INV4,INV3,INV2,INV1")]
    [InlineData("kind=credit_note", "CRN1")]
    [InlineData("kind=subscription", "SUB1")]
    [InlineData("kind=trainer_payout", "")]
    [InlineData("", "SUB1,CRN1,INV4,INV3,INV2,INV1")]
    public async Task Report_WhenEmployerFiltersByKind_ReturnsOnlyThatKindNewestFirst(string query, string expected)
    {
        var report = await Api.ReportJsonAsync(fixture.EmployerA, query);

        Assert.Equal(Names(expected), NamesIn(report));
        Assert.False(report.Get("hasMore").GetBoolean());
        Assert.True(report.IsNull("nextCursor"));
    }

    [Theory]
    [InlineData("paymentStatus=paid", "SUB1,INV3,INV1")]
    [InlineData("paymentStatus=failed", "INV4")]
    [InlineData("paymentStatus=refunded", "CRN1,INV2")]
    [InlineData("paymentStatus=pending", "")]
    [InlineData("kind=employer_funding&paymentStatus=refunded", "INV2")]
    public async Task Report_WhenEmployerFiltersByPaymentStatus_ReturnsOnlyThatStatus(string query, string expected)
    {
        var report = await Api.ReportJsonAsync(fixture.EmployerA, query);

        Assert.Equal(Names(expected), NamesIn(report));
        Assert.All(report.Items(), i => Assert.Equal(query.Split("paymentStatus=")[1], i.Str("paymentStatus")));
    }

    [Fact]
    public async Task Report_WhenFilteredByIssueDates_IncludesIssuedFromAndExcludesIssuedTo()
    {
        Assert.Equal(fixture.Day(2), fixture["INV2"].IssuedAt);
        Assert.Equal(fixture.Day(3), fixture["INV3"].IssuedAt);

        Assert.Equal(Names("INV2"), await NamesAsync(fixture.EmployerA, Dates(fixture.Day(2), fixture.Day(3))));
        Assert.Equal(Names("INV4,INV3,INV2"), await NamesAsync(fixture.EmployerA, Dates(fixture.Day(2), fixture.Day(3).AddSeconds(1))));
        Assert.Equal(Names("INV4,INV3"), await NamesAsync(fixture.EmployerA, Dates(fixture.Day(2).AddSeconds(1), fixture.Day(5))));
        Assert.Equal(Names("SUB1,CRN1"), await NamesAsync(fixture.EmployerA, $"issuedFrom={InvoicingReportFixture.Instant(fixture.Day(5))}"));
        Assert.Equal(Names("INV1"), await NamesAsync(fixture.EmployerA, $"issuedTo={InvoicingReportFixture.Instant(fixture.Day(2))}"));
        Assert.Equal(Names("PAY1"), await NamesAsync(fixture.Admin, Dates(fixture.Day(4), fixture.Day(5))));
        Assert.Equal(Names("INV5,SUB1,CRN1"), await NamesAsync(fixture.Admin, Dates(fixture.Day(4).AddHours(1), fixture.Day(6))));

        // An offset other than Z names the same instant.
        var plusTwo = fixture.Day(2).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "%2B02:00";
        Assert.Equal(Names("INV2"), await NamesAsync(fixture.EmployerA, $"issuedFrom={plusTwo}&issuedTo={InvoicingReportFixture.Instant(fixture.Day(3))}"));
    }

    [Fact]
    public async Task Report_WhenFilteredByJob_ReturnsOnlyThatJobsInvoicesTheCallerMaySee()
    {
        Assert.Equal(Names("CRN1,INV2,INV1"), await NamesAsync(fixture.EmployerA, $"jobId={fixture.Job1}"));
        Assert.Equal(Names("CRN1,PAY1,INV2,INV1"), await NamesAsync(fixture.Admin, $"jobId={fixture.Job1}"));
        Assert.Equal(Names("PAY1"), await NamesAsync(fixture.TrainerT, $"jobId={fixture.Job1}"));
        Assert.Equal(Names("INV4,INV3"), await NamesAsync(fixture.EmployerA, $"jobId={fixture.Job2}"));
        Assert.Equal(Names("INV3"), await NamesAsync(fixture.EmployerA, $"jobId={fixture.Job2}&kind=employer_funding&paymentStatus=paid"));
        Assert.Empty(await NamesAsync(fixture.EmployerA, $"jobId={fixture.Job3}"));
        Assert.Empty(await NamesAsync(fixture.EmployerB, $"jobId={fixture.Job1}"));
        Assert.Empty(await NamesAsync(fixture.EmployerA, $"jobId={Guid.CreateVersion7()}"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task Report_WhenPagedWithStartingAfterTheNextCursor_ReturnsEveryInvoiceExactlyOnceNewestFirst(int limit)
    {
        var all = await NamesAsync(fixture.Admin, "limit=100");
        var whole = await Api.ReportJsonAsync(fixture.Admin, "limit=100");
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Api.ReportJsonAsync(fixture.Admin, cursor is null ? $"limit={limit}" : $"limit={limit}&startingAfter={cursor}");
            pages++;
            var items = page.Items();
            Assert.InRange(items.Count, 1, limit);
            seen.AddRange(NamesIn(page));
            Assert.Equal(whole.Get("totals").GetRawText(), page.Get("totals").GetRawText());
            var hasMore = page.Get("hasMore").GetBoolean();
            cursor = page.Str("nextCursor");
            Assert.Equal(hasMore, cursor is not null);
            if (hasMore)
            {
                Assert.Equal(items.Count, limit);
                Assert.Equal(items[^1].Id().ToString(), cursor);
            }
        }
        while (cursor is not null && pages < 20);

        Assert.Equal(Names("INV5,SUB1,CRN1,PAY1,INV4,INV3,INV2,INV1"), all);
        Assert.Equal(all, seen);
        Assert.Equal((all.Count + limit - 1) / limit, pages);
        var issued = seen.Select(n => fixture[n].IssuedAt).ToList();
        Assert.Equal(issued.OrderDescending(), issued);
    }

    [Fact]
    public async Task Report_WhenPagingAFilter_StaysWithinTheFilter()
    {
        var first = await Api.ReportJsonAsync(fixture.EmployerA, "kind=employer_funding&limit=3");
        var second = await Api.ReportJsonAsync(fixture.EmployerA, $"kind=employer_funding&limit=3&startingAfter={first.Str("nextCursor")}");

        Assert.Equal(Names("INV4,INV3,INV2"), NamesIn(first));
        Assert.True(first.Get("hasMore").GetBoolean());
        Assert.Equal(Names("INV1"), NamesIn(second));
        Assert.False(second.Get("hasMore").GetBoolean());
    }

    [Fact]
    public async Task Report_WhenTotalled_GivesCountAndSumPerStatusOverTheWholeFilter()
    {
        foreach (var (caller, query) in new[] { (fixture.Admin, ""), (fixture.EmployerA, ""), (fixture.EmployerA, "limit=1"), (fixture.EmployerA, $"jobId={fixture.Job1}"), (fixture.TrainerT, "") })
        {
            var report = await Api.ReportJsonAsync(caller, query);
            var rows = (await Api.ReportJsonAsync(caller, query.Replace("limit=1", string.Empty, StringComparison.Ordinal) + "&limit=100")).Items();

            var expected = rows.GroupBy(r => r.Str("paymentStatus")!)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Count(), g.Sum(r => r.Long("total")), "USD"));
            var totals = report.Items("totals")
                .Select(t => (t.Str("paymentStatus")!, t.Get("count").GetInt32(), t.Long("total"), t.Str("currency")!))
                .OrderBy(t => t.Item1, StringComparer.Ordinal);
            Assert.Equal(expected, totals);
        }

        var employer = (await Api.ReportJsonAsync(fixture.EmployerA)).Items("totals").ToDictionary(t => t.Str("paymentStatus")!);
        Assert.Equal(2, employer["refunded"].Get("count").GetInt32());
        Assert.Equal(2 * 132_000, employer["refunded"].Long("total")); // INV2 and its credit note
        Assert.Equal(1, employer["failed"].Get("count").GetInt32());
        Assert.Equal(77_000, employer["failed"].Long("total"));
        Assert.Equal(3, employer["paid"].Get("count").GetInt32());
        Assert.Equal(55_995 + 55_995 + 9_900, employer["paid"].Long("total"));
        Assert.False(employer.ContainsKey("pending"));
    }

    [Fact]
    public async Task Report_WhenEachRoleAsks_SeesOnlyTheirOwnInvoicesOfTheirKinds()
    {
        var employer = await Api.ReportJsonAsync(fixture.EmployerA, "limit=100");
        Assert.Equal(Names("SUB1,CRN1,INV4,INV3,INV2,INV1"), NamesIn(employer));
        Assert.All(employer.Items(), i =>
        {
            Assert.Equal(fixture.EmployerA.Id, i.Id("employerId"));
            Assert.Contains(i.Str("kind"), new[] { "employer_funding", "subscription", "credit_note" });
        });

        var trainer = await Api.ReportJsonAsync(fixture.TrainerT, "limit=100");
        Assert.Equal(Names("PAY1"), NamesIn(trainer));
        Assert.Equal(fixture.TrainerT.Id, Assert.Single(trainer.Items()).Id("trainerId"));

        Assert.Equal(Names("INV5"), await NamesAsync(fixture.EmployerB, "limit=100"));
        Assert.Empty(await NamesAsync(fixture.TrainerU, "limit=100")); // hired, but not paid out yet
        Assert.Empty(await NamesAsync(fixture.Idle, "limit=100"));
        Assert.Empty((await Api.ReportJsonAsync(fixture.Idle)).Items("totals"));
        Assert.Empty(await NamesAsync(fixture.TrainerT, "kind=employer_funding"));
        Assert.Equal(Names("INV5,SUB1,CRN1,PAY1,INV4,INV3,INV2,INV1"), await NamesAsync(fixture.Admin, "limit=100"));

        // A cursor from someone else's report reveals nothing of theirs either.
        Assert.Empty(await NamesAsync(fixture.EmployerB, $"startingAfter={fixture["SUB1"].Id}&jobId={fixture.Job1}"));
        Assert.Equal(401, (int)(await Api.ReportAsync(null!)).StatusCode);
    }

    [Theory]
    [InlineData("kind=invoice", "kind")]
    [InlineData("kind=EmployerFunding", "kind")]
    [InlineData("paymentStatus=settled", "paymentStatus")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("issuedFrom=2026-03-02T00:00:00Z&issuedTo=2026-03-01T00:00:00Z", "issuedTo")]
    [InlineData("issuedFrom=2026-03-02T00:00:00Z&issuedTo=2026-03-02T00:00:00Z", "issuedTo")]
    public async Task Report_WhenAFilterIsInvalid_Answers400ProblemNamingTheField(string query, string field)
    {
        await Expect.ProblemAsync(await Api.ReportAsync(fixture.EmployerA, query), HttpStatusCode.BadRequest, "validation_failed", field);
    }

    [Theory]
    [InlineData("kind=invoice", "kind")]
    [InlineData("paymentStatus=settled", "paymentStatus")]
    [InlineData("issuedFrom=2026-03-02T00:00:00Z&issuedTo=2026-03-01T00:00:00Z", "issuedTo")]
    public async Task ReportCsv_WhenAFilterIsInvalid_Answers400WithoutACsvBody(string query, string field)
    {
        var response = await Api.ReportCsvAsync(fixture.EmployerA, query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEqual("text/csv", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.False(body.StartsWith("number,", StringComparison.Ordinal), $"no CSV for a refused filter on {field}: {body}");
    }

    [Theory]
    [InlineData("kind=invoice", "kind")]
    [InlineData("paymentStatus=settled", "paymentStatus")]
    [InlineData("issuedFrom=2026-03-02T00:00:00Z&issuedTo=2026-03-01T00:00:00Z", "issuedTo")]
    public async Task ReportCsv_WhenAFilterIsInvalid_Answers400ProblemNamingTheField(string query, string field)
    {
        await Expect.ProblemAsync(await Api.ReportCsvAsync(fixture.EmployerA, query), HttpStatusCode.BadRequest, "validation_failed", field);
    }

    [Theory]
    [InlineData("issuedFrom=yesterday", "issuedFrom")]
    [InlineData("issuedTo=2026-13-45", "issuedTo")]
    [InlineData("jobId=42", "jobId")]
    [InlineData("startingAfter=INV-2026-000001", "startingAfter")]
    [InlineData("limit=ten", "limit")]
    public async Task Report_WhenAFilterHasTheWrongShape_Answers400MalformedNamingTheField(string query, string field)
    {
        await Expect.ProblemAsync(await Api.ReportAsync(fixture.EmployerA, query), HttpStatusCode.BadRequest, "malformed_request", field);
    }

    /// <summary>
    /// An admin's totals come from the day totals (whole UTC days) and the invoices (the partial days at the edges):
    /// for every kind, status and range they are the count and sum of exactly the invoices the same filter lists.
    /// </summary>
    [Fact]
    public async Task Report_WhenAnAdminFiltersByKindStatusAndIssueRange_TotalsExactlyTheInvoicesItLists()
    {
        DateTimeOffset Midnight(int day) => new(fixture.Day(day).UtcDateTime.Date, TimeSpan.Zero);
        var ranges = new (DateTimeOffset? From, DateTimeOffset? To)[]
        {
            (null, null), (Midnight(1), Midnight(5)), (fixture.Day(2).AddHours(-1), fixture.Day(5).AddHours(1)), (fixture.Day(2), null), (null, fixture.Day(4).AddMinutes(30)),
            (Midnight(2), fixture.Day(5)), (fixture.Day(1), Midnight(4)), (fixture.Day(5).AddMinutes(-1), fixture.Day(5).AddMinutes(1)), (Midnight(5), null),
        };
        string[] kinds = ["", "employer_funding", "trainer_payout", "subscription", "credit_note"];
        string[] statuses = ["", "pending", "paid", "failed", "refunded"];
        var listed = 0;
        foreach (var (from, to) in ranges)
        {
            foreach (var kind in kinds)
            {
                foreach (var status in statuses)
                {
                    var query = string.Join('&', new[]
                    {
                        kind.Length > 0 ? $"kind={kind}" : null, status.Length > 0 ? $"paymentStatus={status}" : null,
                        from is { } f ? $"issuedFrom={InvoicingReportFixture.Instant(f)}" : null, to is { } t ? $"issuedTo={InvoicingReportFixture.Instant(t)}" : null, "limit=100",
                    }.OfType<string>());
                    var report = await Api.ReportJsonAsync(fixture.Admin, query);
                    var rows = report.Items();
                    listed += rows.Count;

                    var expected = rows.GroupBy(r => (Status: r.Str("paymentStatus")!, Currency: r.Str("currency")!))
                        .OrderBy(g => Array.IndexOf(statuses, g.Key.Status)).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
                        .Select(g => (g.Key.Status, g.Count(), g.Sum(r => r.Long("total")), g.Key.Currency));
                    var totals = report.Items("totals").Select(t => (t.Str("paymentStatus")!, t.Get("count").GetInt32(), t.Long("total"), t.Str("currency")!));
                    Assert.True(expected.SequenceEqual(totals), $"{query}: listed {string.Join("; ", expected)}, totalled {string.Join("; ", totals)}");
                }
            }
        }

        Assert.True(listed > 0);
    }

    /// <summary>Every path that issues an invoice or moves its status (funding, a declined card, payout, refund, subscription webhook) kept the day totals.</summary>
    [Fact]
    public async Task DayTotals_AfterEveryKindOfInvoiceAndStatusChange_EqualTheInvoicesGroupedByUtcDay()
    {
        var (invoices, dayTotals) = await fixture.Factory.QueryAsync(async db => (
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Set<Domain.Invoices.Invoice>()),
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Set<Application.Reports.InvoiceDayTotal>())));

        var expected = invoices.GroupBy(i => (Application.Reports.InvoiceDayTotal.DayOf(i.IssuedAt), i.Kind, i.PaymentStatus, i.Total.Currency))
            .Select(g => (g.Key.Item1, g.Key.Kind, g.Key.PaymentStatus, g.Key.Currency, g.Count(), g.Sum(i => i.Total.Amount)))
            .Order();
        var stored = dayTotals.Where(t => t.Count != 0 || t.TotalCents != 0)
            .Select(t => (t.Day, t.Kind, t.PaymentStatus, t.Currency, t.Count, t.TotalCents))
            .Order();
        Assert.Equal(expected, stored);
        Assert.Contains(dayTotals, t => t.Kind == Domain.Invoices.InvoiceKind.EmployerFunding && t.PaymentStatus == Domain.Invoices.InvoicePaymentStatus.Refunded && t.Count == 1);
    }

    private async Task<IReadOnlyList<string>> NamesAsync(Actor caller, string query) => NamesIn(await Api.ReportJsonAsync(caller, query));

    private IReadOnlyList<string> NamesIn(JsonElement report) => fixture.NamesOf(report.Items().Select(i => i.Id()));

    private static IReadOnlyList<string> Names(string names) => names.Length == 0 ? [] : names.Split(',');

    private static string Dates(DateTimeOffset from, DateTimeOffset to) =>
        $"issuedFrom={InvoicingReportFixture.Instant(from)}&issuedTo={InvoicingReportFixture.Instant(to)}";
}
