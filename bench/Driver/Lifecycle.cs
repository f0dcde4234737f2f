using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace OpenTrain.Clean.Bench.Driver;

/// <summary>
/// Concurrent clients, each an employer with a pm_card_visa and a trainer with payouts enabled,
/// take milestones from hire to paid: hire (the first milestone is funded at hire) or add + fund on
/// the current contract, alternately; the trainer submits; the employer approves; the in-process
/// payout job pays. New milestones start for <c>--duration</c>; then the driver waits up to
/// <c>--drain</c> for the approved ones to be paid, reading each one's <c>payout.paidAt</c>.
/// </summary>
internal static class Lifecycle
{
    public static async Task<int> RunAsync(Args args)
    {
        var clients = args.Int("clients", 16);
        var duration = args.Seconds("duration", 20);
        var drain = args.Seconds("drain", 40);
        using var api = new Api(args.Get("api"), connections: clients * 2 + 8);

        Figures.Log($"lifecycle: preparing {clients} clients");
        var parties = await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
        {
            var employer = await api.EmployerAsync($"Employer {i}");
            var trainer = await api.TrainerWithPayoutsAsync($"Trainer {i}");
            var job = await api.CreateJobAsync(employer, $"Labelling batch {i}");
            return (employer, trainer, job);
        }));

        var steps = new ConcurrentDictionary<string, ConcurrentBag<double>>(StringComparer.Ordinal);
        var approved = new ConcurrentBag<(Guid Milestone, Actor Employer, DateTimeOffset ApprovedAt)>();
        var failures = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var started = DateTimeOffset.UtcNow;
        var run = Stopwatch.StartNew();

        Figures.Log($"lifecycle: {clients} clients for {duration.TotalSeconds} s");
        await Task.WhenAll(parties.Select(async party =>
        {
            Guid? contract = null;
            var iteration = 0;
            while (run.Elapsed < duration)
            {
                iteration++;
                try
                {
                    Guid milestone;
                    if (contract is null || iteration % 2 == 1)
                    {
                        var hire = await Timed(steps, "hire", () => api.SendAsync(
                            HttpMethod.Post,
                            $"/api/v1/jobs/{party.job}/contracts",
                            party.employer,
                            new { trainerId = party.trainer.Id, firstMilestone = new { description = "1,000 preference pairs", amount = 50_000 } },
                            HttpStatusCode.Created));
                        contract = hire["contract"]!["id"]!.GetValue<Guid>();
                        milestone = hire["funding"]!["milestone"]!["id"]!.GetValue<Guid>();
                    }
                    else
                    {
                        var added = await Timed(steps, "add", () => api.SendAsync(
                            HttpMethod.Post,
                            $"/api/v1/contracts/{contract}/milestones",
                            party.employer,
                            new { title = $"Batch {iteration}", description = "Next 1,000 preference pairs", amount = 60_000 },
                            HttpStatusCode.Created));
                        milestone = added["id"]!.GetValue<Guid>();
                        await Timed(steps, "fund", () => api.SendAsync(HttpMethod.Post, $"/api/v1/milestones/{milestone}/fund", party.employer, null, HttpStatusCode.OK));
                    }

                    await Timed(steps, "submit", () => api.SendAsync(HttpMethod.Post, $"/api/v1/milestones/{milestone}/submit", party.trainer, new { note = "Done" }, HttpStatusCode.OK));
                    await Timed(steps, "approve", () => api.SendAsync(HttpMethod.Post, $"/api/v1/milestones/{milestone}/approve", party.employer, null, HttpStatusCode.OK));
                    approved.Add((milestone, party.employer, DateTimeOffset.UtcNow));
                }
                catch (InvalidOperationException exception)
                {
                    var key = exception.Message.Split(':')[0];
                    failures.AddOrUpdate(key, 1, (_, n) => n + 1);
                }
            }
        }));
        var loadSeconds = run.Elapsed.TotalSeconds;
        Figures.Log($"lifecycle: {approved.Count} approved in {loadSeconds:0.0} s; waiting up to {drain.TotalSeconds} s for payouts");

        // Payouts go out oldest first: poll each client's oldest unpaid milestone (a few GETs a second in all).
        var paidAt = new ConcurrentBag<(DateTimeOffset PaidAt, DateTimeOffset ApprovedAt)>();
        var drainClock = Stopwatch.StartNew();
        await Task.WhenAll(approved.GroupBy(a => a.Employer.Id).Select(async group =>
        {
            var queue = new Queue<(Guid Milestone, Actor Employer, DateTimeOffset ApprovedAt)>(group.OrderBy(a => a.ApprovedAt));
            while (queue.Count > 0 && drainClock.Elapsed < drain)
            {
                var next = queue.Peek();
                var body = await api.SendAsync(HttpMethod.Get, $"/api/v1/milestones/{next.Milestone}", next.Employer, null, HttpStatusCode.OK);
                if (body["status"]!.GetValue<string>() == "paid")
                {
                    paidAt.Add((body["payout"]!["paidAt"]!.GetValue<DateTimeOffset>(), next.ApprovedAt));
                    queue.Dequeue();
                }
                else
                {
                    await Task.Delay(250);
                }
            }
        }));

        var paid = paidAt.ToList();
        var last = paid.Count > 0 ? paid.Max(p => p.PaidAt) : started;
        var elapsed = (last - started).TotalSeconds;
        Figures.Print("lifecycle.clients", clients, "clients", 0);
        Figures.Print("lifecycle.paid", paid.Count, "milestones", 0);
        Figures.Print("lifecycle.unpaid_after_drain", approved.Count - paid.Count, "milestones", 0);
        Figures.Print("lifecycle.rate", elapsed > 0 ? paid.Count / elapsed : 0, "milestones/s");
        Figures.Print("lifecycle.approved_rate", approved.Count / loadSeconds, "milestones/s");
        var toPaid = paid.Select(p => (p.PaidAt - p.ApprovedAt).TotalMilliseconds).Order().ToList();
        Figures.Print("lifecycle.approve_to_paid.p50", Figures.Percentile(toPaid, 50), "ms", 0);
        Figures.Print("lifecycle.approve_to_paid.p99", Figures.Percentile(toPaid, 99), "ms", 0);
        foreach (var step in new[] { "hire", "add", "fund", "submit", "approve" })
        {
            if (steps.TryGetValue(step, out var bag))
            {
                var sorted = bag.Order().ToList();
                Figures.Print($"lifecycle.step.{step}.p50", Figures.Percentile(sorted, 50), "ms");
                Figures.Print($"lifecycle.step.{step}.p99", Figures.Percentile(sorted, 99), "ms");
            }
        }

        Figures.Print("lifecycle.errors", failures.Values.Sum(), "requests", 0);
        if (args.Get("db", string.Empty) is { Length: > 0 } file && paid.Count > 0)
        {
            // Every row of the outbox, warm-up included, per milestone paid.
            await using var db = Sql.Open(file);
            var messages = Sql.Scalar(db, "SELECT count(*) FROM OutboxMessages");
            var notifications = Sql.Scalar(db, "SELECT count(*) FROM Notifications");
            var milestones = Sql.Scalar(db, "SELECT count(*) FROM Milestones WHERE Status = 'Paid'");
            Figures.Print("lifecycle.outbox_messages_per_paid_milestone", (double)messages / milestones, "messages");
            Figures.Print("lifecycle.notifications_per_paid_milestone", (double)notifications / milestones, "rows");
        }
        foreach (var (key, count) in failures)
        {
            Figures.Log($"lifecycle failure x{count}: {key}");
        }

        return 0;
    }

    private static async Task<T> Timed<T>(ConcurrentDictionary<string, ConcurrentBag<double>> steps, string step, Func<Task<T>> call)
    {
        var clock = Stopwatch.StartNew();
        var result = await call();
        steps.GetOrAdd(step, _ => []).Add(clock.Elapsed.TotalMilliseconds);
        return result;
    }
}
