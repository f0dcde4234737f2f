using System.Diagnostics;

namespace OpenTrain.Clean.Bench.Driver;

/// <summary>
/// The payout job's drain rate. <c>payout-seed</c> copies a paid milestone of a database seeded through the
/// API (its trainer's payout setup finished on the simulator, its funding charge succeeded) into N approved
/// milestones waiting for their payout, due now, exactly as <c>Milestone.Approve</c> leaves them.
/// <c>payout-wait</c> waits until they are paid and computes payouts/s from their own PaidAt stamps, so
/// worker start-up is not counted; it also counts the simulator's transfers (one per payout, never two).
/// </summary>
internal static class PayoutBench
{
    private const string Prefix = "BA000000";

    public static int Seed(Args args)
    {
        var count = args.Int("count", 3_000);
        using var db = Sql.Open(args.Get("db"));
        if (Sql.Scalar(db, "SELECT count(*) FROM Milestones WHERE Status = 'Paid'") == 0)
        {
            throw new InvalidOperationException("No paid milestone to copy: seed through the API first.");
        }

        var clock = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow.UtcTicks;
        Sql.Execute(db, "DROP TABLE IF EXISTS temp.tpl_p; CREATE TEMP TABLE tpl_p AS SELECT * FROM Milestones WHERE Status = 'Paid' LIMIT 1;");
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Id"] = Sql.GuidExpression(Prefix, "g.n"),
            ["Sequence"] = "100000 + g.n",
            ["Status"] = "'PayoutPending'",
            ["PayoutStatus"] = "'Pending'",
            ["PayoutReason"] = "'Queued'",
            ["PayoutAttempts"] = "0",
            ["PayoutLastError"] = "NULL",
            ["TransferId"] = "NULL",
            ["PaidAt"] = "NULL",
            ["NextPayoutAttemptAt"] = "@now",
        };
        Sql.Execute(
            db,
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < @count) "
                + Sql.CopyColumns(db, "Milestones", "t", overrides) + " FROM g JOIN tpl_p t ORDER BY g.n",
            ("@count", count),
            ("@now", now));
        Figures.Log($"payouts: {count} approved milestones due now in {clock.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    public static async Task<int> WaitAsync(Args args)
    {
        var label = args.Get("label", "payouts");
        var count = args.Int("count", 3_000);
        var timeout = args.Seconds("timeout", 60);
        var range = $"Id BETWEEN '{Prefix}' AND '{Prefix}~'";
        await using var db = Sql.Open(args.Get("db"));
        var clock = Stopwatch.StartNew();
        long paid = 0;
        while (clock.Elapsed < timeout)
        {
            paid = Sql.Scalar(db, $"SELECT count(*) FROM Milestones WHERE {range} AND Status = 'Paid'");
            if (paid >= count)
            {
                break;
            }

            await Task.Delay(100);
        }

        var first = Sql.Scalar(db, $"SELECT min(PaidAt) FROM Milestones WHERE {range} AND Status = 'Paid'");
        var last = Sql.Scalar(db, $"SELECT max(PaidAt) FROM Milestones WHERE {range} AND Status = 'Paid'");
        var seconds = TimeSpan.FromTicks(Math.Max(last - first, 1)).TotalSeconds;
        Figures.Print($"{label}.paid", paid, "payouts", 0);
        Figures.Print($"{label}.drain_per_second", paid / seconds, "payouts/s", 0);

        var warmup = Math.Min(count / 3, (int)paid - 1);
        if (warmup > 0)
        {
            var steadyFrom = Sql.Scalar(db, $"SELECT PaidAt FROM Milestones WHERE {range} AND Status = 'Paid' ORDER BY PaidAt LIMIT 1 OFFSET {warmup}");
            Figures.Print($"{label}.drain_per_second_after_warmup", (paid - warmup) / TimeSpan.FromTicks(Math.Max(last - steadyFrom, 1)).TotalSeconds, "payouts/s", 0);
        }

        Figures.Print($"{label}.busy_time", seconds, "s", 2);
        Figures.Print($"{label}.retried", Sql.Scalar(db, $"SELECT count(*) FROM Milestones WHERE {range} AND PayoutAttempts > 1"), "payouts", 0);
        Figures.Print($"{label}.not_paid", count - paid, "payouts", 0);
        Figures.Print($"{label}.payout_invoices", Sql.Scalar(db, $"SELECT count(*) FROM Invoices WHERE Kind = 'TrainerPayout' AND MilestoneId BETWEEN '{Prefix}' AND '{Prefix}~'"), "invoices", 0);
        // Every outbox message that names one of these milestones (payload JSON holds the id in lower case; LIKE ignores case).
        Figures.Print($"{label}.outbox_messages_per_payout", paid == 0 ? 0 : (double)Sql.Scalar(db, $"SELECT count(*) FROM OutboxMessages WHERE Payload LIKE '%{Prefix}-0000-4000-8000-%'") / paid, "messages", 1);

        var simulator = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(args.Get("db")))!, "payment-simulator.db");
        if (File.Exists(simulator))
        {
            await using var sim = Sql.Open(simulator);
            // One transfer per payout: the simulator keeps one object per idempotency key, as Stripe does.
            Figures.Print($"{label}.simulator_transfers", Sql.Scalar(sim, $"SELECT count(*) FROM objects WHERE kind = 'transfer' AND idempotency_key LIKE 'payout-{Prefix.ToLowerInvariant()}000040008000%'"), "transfers", 0);
        }

        return paid >= count ? 0 : 3;
    }
}
