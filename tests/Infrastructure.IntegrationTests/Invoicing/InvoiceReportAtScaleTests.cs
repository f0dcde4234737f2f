using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Reports;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Invoicing;

/// <summary>
/// 100,000 invoices in a real SQLite file (most of them one busy employer's): the Reports query pages by keyset, counts
/// the whole filter, and pages without skipping or repeating for the employer, their trainer and an admin, with and
/// without filters. No time bound here (speed belongs in bench/): the query plans say whether a page is a seek.
/// </summary>
public sealed class InvoiceReportAtScaleTests : IClassFixture<InvoicingReportAtScaleDatabase>
{
    private const string UnindexedKeysetBug =
        "bug: GET /api/v1/reports/invoices (src/Application/Reports/InvoiceReport.cs, indexes in src/Infrastructure/Persistence/Configurations/InvoiceConfiguration.cs) "
        + "pages by keyset on Id, but no index leads with the caller and ends with Id: for an employer SQLite plans 'SEARCH i USING INDEX "
        + "IX_Invoices_EmployerId_Kind (EmployerId=?)' + 'USE TEMP B-TREE FOR ORDER BY' (a trainer the same on IX_Invoices_TrainerId_Kind), so every "
        + "page of 20 reads and sorts all of the caller's invoices: about 300 ms a page for 60,000 invoices here, growing with the history, which "
        + "is the cost of an offset scan the issue rules out. Expected: indexes such as (EmployerId, Id) and (TrainerId, Kind, Id) so a page reads limit + 1 rows.";

    private readonly InvoicingReportAtScaleDatabase _data;

    public InvoiceReportAtScaleTests(InvoicingReportAtScaleDatabase data) => _data = data;

    public static TheoryData<string> Callers => ["employer", "trainer", "admin", "employer paid in March", "admin by job"];

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Report_WhenThereAre100000Invoices_PagesWithoutRepeatsAndCountsTheWholeFilter(string caller)
    {
        var (user, filter) = Case(caller);

        var pages = 0;
        Guid? cursor = null;
        var seen = new HashSet<Guid>();
        InvoiceReportResponse? first = null;
        while (pages < 5)
        {
            var page = await RunAsync(user, filter, 100, cursor);
            first ??= page;
            Assert.All(page.Data, i => Assert.True(seen.Add(i.Id), $"{i.Number} twice"));
            pages++;
            if (!page.HasMore)
            {
                break;
            }

            cursor = Guid.Parse(page.NextCursor!);
        }

        Assert.Equal(Math.Min(500, _data.ExpectedCount(caller)), seen.Count);
        Assert.Equal(_data.ExpectedCount(caller), first!.Totals.Sum(t => t.Count));
    }

    [Fact]
    public async Task Report_WhenTheEmployerPages_GoesNewestIssuedFirstWithoutSkippingOrRepeating()
    {
        var (user, filter) = Case("employer paid in March");
        var all = new List<(DateTimeOffset IssuedAt, Guid Id)>();
        Guid? cursor = null;
        do
        {
            var page = await RunAsync(user, filter, 1000, cursor);
            all.AddRange(page.Data.Select(i => (i.IssuedAt, i.Id)));
            cursor = page.HasMore ? Guid.Parse(page.NextCursor!) : null;
        }
        while (cursor is not null);

        // The ids are not in issue order (as on SQL Server, where GUID order is not creation order): the instant leads.
        Assert.Equal(_data.ExpectedCount("employer paid in March"), all.Count);
        Assert.Equal(all.Count, all.Select(i => i.Id).Distinct().Count());
        Assert.Equal(all.OrderByDescending(i => i.IssuedAt).ThenByDescending(i => i.Id), all);
    }

    [Theory]
    [InlineData("employer")]
    [InlineData("trainer")]
    [InlineData("employer paid in March")]
    public async Task Report_WhenAPageIsRead_SeeksItThroughAnIndexInsteadOfSortingTheWholeFilter(string caller)
    {
        var (user, filter) = Case(caller);
        var capture = new InvoicingCommandCapture();
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(_data.Database.ConnectionString).AddInterceptors(capture).Options;
        await using (var db = new SqliteAppDbContext(options))
        {
            var first = await new InvoiceReportHandler(new ReadStore(db), user).Handle(new InvoiceReportQuery(filter, 20, null), CancellationToken.None);
            await new InvoiceReportHandler(new ReadStore(db), user).Handle(new InvoiceReportQuery(filter, 20, Guid.Parse(first.NextCursor!)), CancellationToken.None);
        }

        var pageQueries = capture.Commands.Where(c => c.Sql.Contains("ORDER BY", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, pageQueries.Count);
        foreach (var query in pageQueries)
        {
            var plan = await ExplainAsync(query);
            Assert.False(
                plan.Any(step => step.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal)),
                $"{caller}: a page of 20 sorts every invoice of the filter first:\n{string.Join('\n', plan)}");
        }

        // The next page starts at the cursor's instant in the index, instead of reading every newer invoice again.
        var next = await ExplainAsync(pageQueries[1]);
        Assert.True(next.Any(step => step.Contains("IssuedAt<", StringComparison.Ordinal)), $"{caller}: the next page does not seek to the cursor:\n{string.Join('\n', next)}");
    }

    /// <summary>
    /// Totals read no invoice outside an index range: an admin's whole days come from the day totals, a partial day,
    /// a job, an employer's or a trainer's invoices are an index range. Before the day totals, every admin report
    /// scanned all 100,000 invoices ('SCAN i'), and a job filter did too (no index led with the job).
    /// </summary>
    [Theory]
    [InlineData("employer")]
    [InlineData("trainer")]
    [InlineData("employer paid in March")]
    [InlineData("admin")]
    [InlineData("admin by job")]
    [InlineData("admin mid-day range")]
    [InlineData("admin paid, within a day")]
    public async Task Report_WhenTotalled_ReadsNoInvoiceOutsideAnIndexRange(string caller)
    {
        var (user, filter) = Case(caller);
        var capture = new InvoicingCommandCapture();
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(_data.Database.ConnectionString).AddInterceptors(capture).Options;
        InvoiceReportResponse report;
        await using (var db = new SqliteAppDbContext(options))
        {
            report = await new InvoiceReportHandler(new ReadStore(db), user).Handle(new InvoiceReportQuery(filter, 20, null), CancellationToken.None);
        }

        Assert.Equal(_data.ExpectedCount(caller), report.Totals.Sum(t => t.Count));
        var invoiceTotals = capture.Commands.Where(c => c.Sql.Contains("GROUP BY", StringComparison.Ordinal) && c.Sql.Contains("FROM \"Invoices\"", StringComparison.Ordinal)).ToList();
        if (caller == "admin")
        {
            Assert.Empty(invoiceTotals);
        }

        foreach (var query in invoiceTotals)
        {
            var plan = await ExplainAsync(query);
            Assert.True(
                plan.Any(step => step.StartsWith("SEARCH", StringComparison.Ordinal)) && !plan.Any(step => step.StartsWith("SCAN", StringComparison.Ordinal)),
                $"{caller}: the totals read invoices outside an index range:\n{string.Join('\n', plan)}");
        }
    }

    private async Task<IReadOnlyList<string>> ExplainAsync(InvoicingCapturedCommand query)
    {
        await using var connection = new SqliteConnection(_data.Database.ConnectionString);
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + query.Sql;
        foreach (var (name, value) in query.Parameters)
        {
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    private (TestUser User, InvoiceReportFilter Filter) Case(string caller) => caller switch
    {
        "employer" => (new TestUser(_data.BusyEmployer, UserRole.Employer), new InvoiceReportFilter(null, null, null, null, null)),
        "trainer" => (new TestUser(_data.BusyTrainer, UserRole.Trainer), new InvoiceReportFilter(null, null, null, null, null)),
        "admin" => (new TestUser(new UserId(Guid.CreateVersion7()), UserRole.Admin), new InvoiceReportFilter(null, null, null, null, null)),
        "employer paid in March" => (new TestUser(_data.BusyEmployer, UserRole.Employer),
            new InvoiceReportFilter(InvoiceKind.EmployerFunding, InvoicePaymentStatus.Paid, InvoicingReportAtScaleDatabase.March, InvoicingReportAtScaleDatabase.March.AddMonths(1), null)),
        "admin by job" => (new TestUser(new UserId(Guid.CreateVersion7()), UserRole.Admin), new InvoiceReportFilter(null, null, null, null, _data.BusyJob.Value)),
        "admin mid-day range" => (new TestUser(new UserId(Guid.CreateVersion7()), UserRole.Admin),
            new InvoiceReportFilter(null, null, InvoicingReportAtScaleDatabase.MidDayFrom, InvoicingReportAtScaleDatabase.MidDayTo, null)),
        "admin paid, within a day" => (new TestUser(new UserId(Guid.CreateVersion7()), UserRole.Admin),
            new InvoiceReportFilter(null, InvoicePaymentStatus.Paid, InvoicingReportAtScaleDatabase.MidDayFrom, InvoicingReportAtScaleDatabase.MidDayFrom.AddHours(10), null)),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    private async Task<InvoiceReportResponse> RunAsync(TestUser user, InvoiceReportFilter filter, int limit, Guid? cursor)
    {
        await using var db = _data.Database.NewContext();
        return await new InvoiceReportHandler(new ReadStore(db), user).Handle(new InvoiceReportQuery(filter, limit, cursor), CancellationToken.None);
    }
}

/// <summary>A SQL command the report ran, with its parameters, to ask SQLite how it plans it.</summary>
public sealed record InvoicingCapturedCommand(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters);

/// <summary>Keeps every query a context sends.</summary>
public sealed class InvoicingCommandCapture : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
{
    private readonly List<InvoicingCapturedCommand> _commands = [];

    public IReadOnlyList<InvoicingCapturedCommand> Commands => _commands;

    public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
        System.Data.Common.DbCommand command,
        Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
        Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> result,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        _commands.Add(new InvoicingCapturedCommand(
            command.CommandText,
            [.. command.Parameters.Cast<System.Data.Common.DbParameter>().Select(p => (p.ParameterName, (object?)p.Value))]));
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}

/// <summary>
/// The 100,000 invoices, written once per test class with plain SQL (the domain would take minutes): a busy employer
/// with 60,000 funding invoices over a year (a third of them in March, every tenth failed), their trainer's 20,000 payout
/// records, and 20,000 invoices of 2,000 other employers.
/// </summary>
public sealed class InvoicingReportAtScaleDatabase : IDisposable
{
    public static readonly DateTimeOffset March = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>From 10 March 13:20 to 20 June 07:45 UTC: whole days between partial ones.</summary>
    public static readonly DateTimeOffset MidDayFrom = new(2026, 3, 10, 13, 20, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset MidDayTo = new(2026, 6, 20, 7, 45, 0, TimeSpan.Zero);

    private readonly Dictionary<string, int> _expected = [];

    public InvoicingReportAtScaleDatabase()
    {
        Database = TestDatabase.Create();
        Seed();
    }

    internal TestDatabase Database { get; }

    public UserId BusyEmployer { get; } = new(Guid.CreateVersion7());

    public UserId BusyTrainer { get; } = new(Guid.CreateVersion7());

    public JobId BusyJob { get; } = new(Guid.CreateVersion7());

    public int ExpectedCount(string caller) => _expected[caller];

    public void Dispose() => Database.Dispose();

    private void Seed()
    {
        var random = new Random(42);
        var january = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = new List<(Guid Id, string Kind, Guid Employer, Guid? Trainer, Guid? Job, string Status, DateTimeOffset IssuedAt)>(100_000);
        var startMilliseconds = DateTimeOffset.UtcNow.AddYears(-1).ToUnixTimeMilliseconds();
        for (var i = 0; i < 60_000; i++)
        {
            var issued = i % 3 == 0 ? March.AddMinutes(random.Next(0, 31 * 24 * 60)) : january.AddMinutes(random.Next(0, 365 * 24 * 60));
            rows.Add((Guid.Empty, "EmployerFunding", BusyEmployer.Value, BusyTrainer.Value, i % 7 == 0 ? BusyJob.Value : Guid.CreateVersion7(), i % 10 == 0 ? "Failed" : "Paid", issued));
        }

        for (var i = 0; i < 20_000; i++)
        {
            rows.Add((Guid.Empty, "TrainerPayout", BusyEmployer.Value, BusyTrainer.Value, i % 7 == 0 ? BusyJob.Value : Guid.CreateVersion7(), "Paid", january.AddMinutes(random.Next(0, 365 * 24 * 60))));
        }

        for (var i = 0; i < 20_000; i++)
        {
            rows.Add((Guid.Empty, "EmployerFunding", new Guid(i % 2000, 0, 0, new byte[8]), Guid.CreateVersion7(), Guid.CreateVersion7(), "Paid", january.AddMinutes(random.Next(0, 365 * 24 * 60))));
        }

        // Ids are version 7 GUIDs made in insertion order, as the domain makes them: shuffled so that id order is not issue order.
        rows = [.. rows.OrderBy(_ => random.Next()).Select((r, n) => r with { Id = Version7(startMilliseconds + n) })];

        using var connection = new SqliteConnection(Database.ConnectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var invoice = connection.CreateCommand();
        invoice.Transaction = transaction;
        invoice.CommandText = """
            INSERT INTO "Invoices" ("Id", "Number", "Kind", "BillingType", "EmployerId", "TrainerId", "JobId", "ContractId", "MilestoneId", "FundingAttempt",
                "ProjectName", "Description", "PaymentStatus", "PaymentReference", "IssuedAt", "PaidAt", "TotalCents", "TotalCurrency", "Version")
            VALUES ($id, $number, $kind, $billing, $employer, $trainer, $job, NULL, NULL, 1, 'Project', 'Batch of pairs', $status, 'pi_x', $issued, NULL, 55995, 'USD', 0);
            """;
        var parameters = new[] { "$id", "$number", "$kind", "$billing", "$employer", "$trainer", "$job", "$status", "$issued" }
            .ToDictionary(n => n, n => invoice.Parameters.Add(new SqliteParameter { ParameterName = n }));
        using var line = connection.CreateCommand();
        line.Transaction = transaction;
        line.CommandText = """INSERT INTO "InvoiceLines" ("Kind", "Description", "AmountCents", "AmountCurrency", "InvoiceId") VALUES ('Milestone', 'Batch of pairs', 55995, 'USD', $invoice);""";
        var lineInvoice = line.Parameters.Add(new SqliteParameter { ParameterName = "$invoice" });
        var n = 0;
        foreach (var row in rows)
        {
            // EF stores Guids as upper-case text.
            parameters["$id"].Value = row.Id.ToString().ToUpperInvariant();
            parameters["$number"].Value = $"{(row.Kind == "TrainerPayout" ? "PAY" : "INV")}-2026-{++n:000000}";
            parameters["$kind"].Value = row.Kind;
            parameters["$billing"].Value = row.Kind == "TrainerPayout" ? "MilestonePayout" : "FixedPriceMilestone";
            parameters["$employer"].Value = row.Employer.ToString().ToUpperInvariant();
            parameters["$trainer"].Value = (object?)row.Trainer?.ToString().ToUpperInvariant() ?? DBNull.Value;
            parameters["$job"].Value = (object?)row.Job?.ToString().ToUpperInvariant() ?? DBNull.Value;
            parameters["$status"].Value = row.Status;
            parameters["$issued"].Value = row.IssuedAt.UtcTicks;
            invoice.ExecuteNonQuery();
            lineInvoice.Value = parameters["$id"].Value;
            line.ExecuteNonQuery();
        }

        transaction.Commit();
        Database.RecountInvoiceDayTotals();

        var busy = rows.Where(r => r.Employer == BusyEmployer.Value).ToList();
        _expected["employer"] = busy.Count(r => r.Kind != "TrainerPayout");
        _expected["trainer"] = busy.Count(r => r.Kind == "TrainerPayout");
        _expected["admin"] = rows.Count;
        _expected["employer paid in March"] = busy.Count(r => r.Kind == "EmployerFunding" && r.Status == "Paid" && r.IssuedAt >= March && r.IssuedAt < March.AddMonths(1));
        _expected["admin by job"] = rows.Count(r => r.Job == BusyJob.Value);
        _expected["admin mid-day range"] = rows.Count(r => r.IssuedAt >= MidDayFrom && r.IssuedAt < MidDayTo);
        _expected["admin paid, within a day"] = rows.Count(r => r.Status == "Paid" && r.IssuedAt >= MidDayFrom && r.IssuedAt < MidDayFrom.AddHours(10));
        using var db = Database.NewContext();
        Assert.Equal(100_000, db.Set<Invoice>().Count());
    }

    private static Guid Version7(long unixMilliseconds) => Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds));
}
