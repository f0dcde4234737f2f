using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Bench.Driver;

/// <summary>
/// The outbox dispatcher's throughput. <c>outbox-seed</c> migrates a fresh database and inserts N
/// pending <see cref="MilestoneUpdated"/> rows (an event no handler acts on, so only the dispatch is
/// measured), serialized as the SaveChanges interceptor does (web JSON defaults, type name).
/// <c>outbox-wait</c> waits until they are processed and computes messages/s from the rows' own
/// ProcessedAt stamps, so worker start-up is not counted.
/// </summary>
internal static class OutboxBench
{
    private static readonly JsonSerializerOptions Payload = new(JsonSerializerDefaults.Web);

    public static async Task<int> SeedAsync(Args args)
    {
        var file = args.Get("db");
        var count = args.Int("count", 20_000);
        var tag = args.Int("tag", 1);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        await using (var context = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite($"Data Source={file}").Options))
        {
            await context.Database.MigrateAsync();
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;");
        }

        var placeholder = Guid.Parse("01234567-89ab-4def-8123-456789abcdef");
        var now = DateTimeOffset.UtcNow;
        var template = JsonSerializer.Serialize(new MilestoneUpdated(new MilestoneId(placeholder), now), typeof(MilestoneUpdated), Payload);
        await using var db = Sql.Open(file);
        var clock = Stopwatch.StartNew();
        var id = Sql.GuidExpression($"BE{tag:X6}", "g.n");
        Sql.Execute(
            db,
            $"""
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < @count)
            INSERT INTO OutboxMessages (Id, Type, Payload, OccurredAt, Status, Attempts, NextAttemptAt, LockedBy, LockedUntil, LastError, ProcessedAt)
            SELECT {id}, @type, replace(@payload, @placeholder, lower({Sql.GuidExpression("B1000000", "g.n")})), @ticks, 'Pending', 0, @ticks, NULL, NULL, NULL, NULL FROM g
            """,
            ("@count", count),
            ("@type", nameof(MilestoneUpdated)),
            ("@payload", template),
            ("@placeholder", placeholder.ToString()),
            ("@ticks", now.UtcTicks));
        Figures.Log($"outbox: {count} pending {nameof(MilestoneUpdated)} rows (tag {tag}) in {clock.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    public static async Task<int> WaitAsync(Args args)
    {
        var label = args.Get("label");
        var count = args.Int("count", 20_000);
        var tag = args.Int("tag", 1);
        var timeout = args.Seconds("timeout", 40);
        var low = $"BE{tag:X6}";
        var range = $"Id BETWEEN '{low}' AND '{low}~'";
        await using var db = Sql.Open(args.Get("db"));
        var clock = Stopwatch.StartNew();
        long processed = 0;
        while (clock.Elapsed < timeout)
        {
            processed = Sql.Scalar(db, $"SELECT count(*) FROM OutboxMessages WHERE {range} AND Status = 'Processed'");
            if (processed >= count)
            {
                break;
            }

            await Task.Delay(100);
        }

        var first = Sql.Scalar(db, $"SELECT min(ProcessedAt) FROM OutboxMessages WHERE {range} AND Status = 'Processed'");
        var last = Sql.Scalar(db, $"SELECT max(ProcessedAt) FROM OutboxMessages WHERE {range} AND Status = 'Processed'");
        var retried = Sql.Scalar(db, $"SELECT count(*) FROM OutboxMessages WHERE {range} AND Attempts > 1");
        var seconds = TimeSpan.FromTicks(Math.Max(last - first, 1)).TotalSeconds;
        Figures.Print($"outbox.{label}.processed", processed, "messages", 0);
        Figures.Print($"outbox.{label}.rate", processed / seconds, "messages/s", 0);

        // The same, leaving out the first messages: a fresh worker spends its first seconds in the JIT.
        var warmup = Math.Min(args.Int("warmup", count / 3), (int)processed - 1);
        if (warmup > 0)
        {
            var steadyFrom = Sql.Scalar(db, $"SELECT ProcessedAt FROM OutboxMessages WHERE {range} AND Status = 'Processed' ORDER BY ProcessedAt LIMIT 1 OFFSET {warmup}");
            var steadySeconds = TimeSpan.FromTicks(Math.Max(last - steadyFrom, 1)).TotalSeconds;
            Figures.Print($"outbox.{label}.rate_after_warmup", (processed - warmup) / steadySeconds, "messages/s", 0);
        }

        Figures.Print($"outbox.{label}.busy_time", seconds, "s", 2);
        Figures.Print($"outbox.{label}.retried", retried, "messages", 0);
        return processed >= count ? 0 : 3;
    }
}
