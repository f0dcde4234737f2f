using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace OpenTrain.Clean.Bench.Driver;

/// <summary>
/// Grows the database to <c>--milestones</c> milestones and <c>--invoices</c> invoices in seconds:
/// INSERT ... SELECT from a recursive CTE of numbers, copying the rows the API created (every column
/// from <c>PRAGMA table_info</c>, so a new column is copied too) and generating ids. The bulk belongs
/// to 10,000 other employers: the seeded employer's own pages keep their size, the tables grow.
/// Contracts, jobs, timelines and invoice lines come along. Run it with the API stopped.
/// </summary>
internal static class Growth
{
    private const string Milestone = "B1000000";
    private const string Contract = "B2000000";
    private const string Job = "B3000000";
    private const string Employer = "B4000000";
    private const string Trainer = "B5000000";
    private const string Invoice = "B6000000";

    public static async Task<int> RunAsync(Args args)
    {
        var label = args.Get("label");
        var targetMilestones = args.Int("milestones", 1_000);
        var targetInvoices = args.Int("invoices", 100);
        var clock = Stopwatch.StartNew();
        await using var db = Sql.Open(args.Get("db"));
        Sql.Execute(db, "PRAGMA synchronous = OFF; PRAGMA cache_size = -200000; PRAGMA temp_store = MEMORY;");

        var milestonesBefore = Sql.Scalar(db, "SELECT count(*) FROM Milestones");
        var invoicesBefore = Sql.Scalar(db, "SELECT count(*) FROM Invoices");
        using (var transaction = db.BeginTransaction())
        {
            AddMilestones(db, targetMilestones - milestonesBefore);
            AddInvoices(db, targetInvoices - invoicesBefore);
            RecountDayTotals(db);
            transaction.Commit();
        }

        Sql.Execute(db, "PRAGMA wal_checkpoint(TRUNCATE);");
        var milestones = Sql.Scalar(db, "SELECT count(*) FROM Milestones");
        var invoices = Sql.Scalar(db, "SELECT count(*) FROM Invoices");
        var timeline = Sql.Scalar(db, "SELECT count(*) FROM MilestoneTimeline");
        var size = new FileInfo(args.Get("db")).Length / (1024.0 * 1024.0);
        Figures.Print($"growth.{label}.milestones", milestones, "rows", 0);
        Figures.Print($"growth.{label}.invoices", invoices, "rows", 0);
        Figures.Print($"growth.{label}.timeline_entries", timeline, "rows", 0);
        Figures.Print($"growth.{label}.db_size", size, "MB", 0);
        Figures.Print($"growth.{label}.seed_time", clock.Elapsed.TotalSeconds, "s");
        return 0;
    }

    /// <summary>
    /// Times the report's totals-per-status aggregate as an admin ran it before the day totals (over every
    /// invoice) and as it runs now (over the day totals, docs/decisions/015), and logs both plans.
    /// </summary>
    public static async Task<int> ReportQueryAsync(Args args)
    {
        var label = args.Get("label");
        await using var db = Sql.Open(args.Get("db"));
        Time(db, label, "report_totals_sql", """
            SELECT "PaymentStatus", "TotalCurrency", count(*), sum("TotalCents") FROM "Invoices"
            GROUP BY "PaymentStatus", "TotalCurrency"
            """);
        Time(db, label, "report_day_totals_sql", """
            SELECT "PaymentStatus", "Currency", sum("Count"), sum("TotalCents") FROM "InvoiceDayTotals"
            GROUP BY "PaymentStatus", "Currency" HAVING sum("Count") > 0
            """);
        return 0;
    }

    private static void Time(SqliteConnection db, string label, string name, string sql)
    {
        foreach (var line in Sql.Strings(db, "EXPLAIN QUERY PLAN " + sql))
        {
            Figures.Log($"plan of {name} at {label}: {line}");
        }

        Sql.Strings(db, sql);
        var clock = Stopwatch.StartNew();
        const int runs = 5;
        for (var i = 0; i < runs; i++)
        {
            Sql.Strings(db, sql);
        }

        Figures.Print($"growth.{label}.{name}", clock.Elapsed.TotalMilliseconds / runs, "ms", 2);
    }

    /// <summary>
    /// The copied invoices bypass the API, so the day totals it keeps are counted again from every invoice,
    /// as the migration's backfill does.
    /// </summary>
    private static void RecountDayTotals(SqliteConnection db)
    {
        Sql.Execute(db, """
            DELETE FROM "InvoiceDayTotals";
            INSERT INTO "InvoiceDayTotals" ("Day", "Kind", "PaymentStatus", "Currency", "Count", "TotalCents")
            SELECT date(("IssuedAt" / 864000000000 - 719162) * 86400, 'unixepoch'), "Kind", "PaymentStatus", "TotalCurrency", count(*), sum("TotalCents")
            FROM "Invoices"
            GROUP BY 1, "Kind", "PaymentStatus", "TotalCurrency";
            """);
    }

    private static void AddMilestones(SqliteConnection db, long count)
    {
        if (count <= 0)
        {
            return;
        }

        var start = Sql.Scalar(db, $"SELECT count(*) FROM Milestones WHERE Id BETWEEN '{Milestone}' AND '{Milestone}~'") + 1;
        var end = start + count - 1;
        Sql.Execute(db, $"""
            DROP TABLE IF EXISTS temp.tpl_m;
            CREATE TEMP TABLE tpl_m AS SELECT row_number() OVER (ORDER BY rowid) - 1 AS k, * FROM Milestones WHERE Id NOT BETWEEN 'B' AND 'C';
            DROP TABLE IF EXISTS temp.tpl_t;
            CREATE TEMP TABLE tpl_t AS SELECT m.k AS k, t.* FROM MilestoneTimeline t JOIN tpl_m m ON m.Id = t.MilestoneId;
            DROP TABLE IF EXISTS temp.tpl_c;
            CREATE TEMP TABLE tpl_c AS SELECT * FROM Contracts WHERE Id NOT BETWEEN 'B' AND 'C' LIMIT 1;
            DROP TABLE IF EXISTS temp.tpl_j;
            CREATE TEMP TABLE tpl_j AS SELECT * FROM Jobs WHERE Id NOT BETWEEN 'B' AND 'C' LIMIT 1;
            """);
        var templates = Sql.Scalar(db, "SELECT count(*) FROM tpl_m");
        if (templates == 0)
        {
            throw new InvalidOperationException("No milestone to copy: seed through the API first.");
        }

        var ids = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Id"] = Sql.GuidExpression(Milestone, "g.n"),
            ["ContractId"] = Sql.GuidExpression(Contract, "g.n / 10"),
            ["JobId"] = Sql.GuidExpression(Job, "g.n / 100"),
            ["EmployerId"] = Sql.GuidExpression(Employer, "(g.n / 100) % 10000"),
            ["TrainerId"] = Sql.GuidExpression(Trainer, "(g.n / 10) % 20000"),
            ["Sequence"] = "g.n % 10 + 1",
            ["ApprovedBy"] = $"CASE WHEN t.ApprovedBy IS NULL THEN NULL ELSE {Sql.GuidExpression(Employer, "(g.n / 100) % 10000")} END",
        };
        var numbers = $"WITH RECURSIVE g(n) AS (SELECT {start} UNION ALL SELECT n + 1 FROM g WHERE n < {end}) ";
        var clock = Stopwatch.StartNew();
        Sql.Execute(db, numbers + Sql.CopyColumns(db, "Milestones", "t", ids) + $" FROM g JOIN tpl_m t ON t.k = g.n % {templates} ORDER BY g.n");
        Figures.Log($"milestones +{count} in {clock.Elapsed.TotalSeconds:0.0} s");

        clock.Restart();
        Sql.Execute(db, numbers + Sql.CopyColumns(db, "MilestoneTimeline", "t", new Dictionary<string, string>(StringComparer.Ordinal) { ["MilestoneId"] = Sql.GuidExpression(Milestone, "g.n") })
            + $" FROM g JOIN tpl_t t ON t.k = g.n % {templates} ORDER BY g.n, t.Sequence");
        Figures.Log($"timeline entries in {clock.Elapsed.TotalSeconds:0.0} s");

        clock.Restart();
        Sql.Execute(db, numbers + Sql.CopyColumns(db, "Contracts", "t", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Id"] = Sql.GuidExpression(Contract, "g.n / 10"),
            ["JobId"] = Sql.GuidExpression(Job, "g.n / 100"),
            ["EmployerId"] = Sql.GuidExpression(Employer, "(g.n / 100) % 10000"),
            ["TrainerId"] = Sql.GuidExpression(Trainer, "(g.n / 10) % 20000"),
            ["MilestoneCount"] = "10",
        }) + " FROM g JOIN tpl_c t WHERE g.n % 10 = 0 ORDER BY g.n");
        Sql.Execute(db, numbers + Sql.CopyColumns(db, "Jobs", "t", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Id"] = Sql.GuidExpression(Job, "g.n / 100"),
            ["EmployerId"] = Sql.GuidExpression(Employer, "(g.n / 100) % 10000"),
        }) + " FROM g JOIN tpl_j t WHERE g.n % 100 = 0 ORDER BY g.n");
        Figures.Log($"contracts and jobs in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static void AddInvoices(SqliteConnection db, long count)
    {
        if (count <= 0)
        {
            return;
        }

        var start = Sql.Scalar(db, $"SELECT count(*) FROM Invoices WHERE Id BETWEEN '{Invoice}' AND '{Invoice}~'") + 1;
        var end = start + count - 1;
        Sql.Execute(db, """
            DROP TABLE IF EXISTS temp.tpl_i;
            CREATE TEMP TABLE tpl_i AS SELECT row_number() OVER (ORDER BY rowid) - 1 AS k, * FROM Invoices WHERE Id NOT BETWEEN 'B' AND 'C';
            DROP TABLE IF EXISTS temp.tpl_l;
            CREATE TEMP TABLE tpl_l AS SELECT i.k AS k, l.* FROM InvoiceLines l JOIN tpl_i i ON i.Id = l.InvoiceId;
            """);
        var templates = Sql.Scalar(db, "SELECT count(*) FROM tpl_i");
        if (templates == 0)
        {
            throw new InvalidOperationException("No invoice to copy: seed through the API first.");
        }

        var numbers = $"WITH RECURSIVE g(n) AS (SELECT {start} UNION ALL SELECT n + 1 FROM g WHERE n < {end}) ";
        var clock = Stopwatch.StartNew();
        Sql.Execute(db, numbers + Sql.CopyColumns(db, "Invoices", "t", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Id"] = Sql.GuidExpression(Invoice, "g.n"),
            ["Number"] = "substr(t.Number, 1, 9) || printf('B%08d', g.n)",
            ["EmployerId"] = Sql.GuidExpression(Employer, "(g.n / 10) % 10000"),
            ["TrainerId"] = $"CASE WHEN t.TrainerId IS NULL THEN NULL ELSE {Sql.GuidExpression(Trainer, "g.n % 20000")} END",
            ["JobId"] = Sql.GuidExpression(Job, "g.n / 10"),
            ["ContractId"] = Sql.GuidExpression(Contract, "g.n"),
            ["MilestoneId"] = Sql.GuidExpression(Milestone, "g.n * 10"),
        }) + $" FROM g JOIN tpl_i t ON t.k = g.n % {templates} ORDER BY g.n");
        Sql.Execute(db, numbers + Sql.CopyColumns(
            db,
            "InvoiceLines",
            "t",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["InvoiceId"] = Sql.GuidExpression(Invoice, "g.n") },
            skip: new HashSet<string>(StringComparer.Ordinal) { "Id" }) + $" FROM g JOIN tpl_l t ON t.k = g.n % {templates} ORDER BY g.n, t.Id");
        Figures.Log($"invoices +{count} with lines in {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
