using System.Diagnostics;
using System.Net;
using System.Text;

namespace OpenTrain.Clean.Bench.Driver;

/// <summary>
/// Realistic data through the API: an employer paying with pm_card_visa, a trainer whose payout
/// setup is finished, one job and one contract with <c>--milestones</c> milestones in every state a
/// dashboard shows (paid, pending approval, funded, not funded), their funding invoices and payout
/// records. Writes tokens and ids for the load scripts to <c>--out</c>.
/// </summary>
internal static class Seed
{
    public static async Task<int> RunAsync(Args args)
    {
        var total = args.Int("milestones", 30);
        var outDir = args.Get("out");
        Directory.CreateDirectory(outDir);
        using var api = new Api(args.Get("api"));
        var clock = Stopwatch.StartNew();

        var admin = await api.TokenAsync("admin", "Ann Admin");
        var employer = await api.EmployerAsync("Ada Employer");
        var trainer = await api.TrainerWithPayoutsAsync("Tom Trainer");
        var job = await api.CreateJobAsync(employer, "RLHF preference labelling");

        var hire = await api.SendAsync(
            HttpMethod.Post,
            $"/api/v1/jobs/{job}/contracts",
            employer,
            new { trainerId = trainer.Id, firstMilestone = new { title = "Batch 1", description = "First 1,000 preference pairs", amount = 50_000 } },
            HttpStatusCode.Created);
        var contract = hire["contract"]!["id"]!.GetValue<Guid>();
        var milestones = new List<Guid> { hire["funding"]!["milestone"]!["id"]!.GetValue<Guid>() };
        for (var i = 2; i <= total; i++)
        {
            var added = await api.SendAsync(
                HttpMethod.Post,
                $"/api/v1/contracts/{contract}/milestones",
                employer,
                new { title = $"Batch {i}", description = $"Next {i * 500:N0} preference pairs, reviewed twice", amount = 40_000 + (i * 2_500) },
                HttpStatusCode.Created);
            milestones.Add(added["id"]!.GetValue<Guid>());
        }

        // Two thirds funded (each with its funding invoice), a third of them paid, some awaiting approval.
        var funded = total * 2 / 3;
        var paid = total / 3;
        var submitted = total / 6;
        for (var i = 1; i < funded; i++)
        {
            await api.SendAsync(HttpMethod.Post, $"/api/v1/milestones/{milestones[i]}/fund", employer, null, HttpStatusCode.OK);
        }

        for (var i = 0; i < paid + submitted; i++)
        {
            await api.SendAsync(HttpMethod.Post, $"/api/v1/milestones/{milestones[i]}/submit", trainer, new { note = "Delivered in the shared bucket" }, HttpStatusCode.OK);
        }

        for (var i = 0; i < paid; i++)
        {
            await api.SendAsync(HttpMethod.Post, $"/api/v1/milestones/{milestones[i]}/approve", employer, null, HttpStatusCode.OK);
        }

        // The payout job pays the approved ones; wait (bounded) so the data has paid milestones and payout records.
        var deadline = Stopwatch.StartNew();
        var remaining = milestones.Take(paid).ToList();
        while (remaining.Count > 0 && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var status = (await api.SendAsync(HttpMethod.Get, $"/api/v1/milestones/{remaining[0]}", employer, null, HttpStatusCode.OK))["status"]!.GetValue<string>();
            if (status == "paid")
            {
                remaining.RemoveAt(0);
            }
            else
            {
                await Task.Delay(200);
            }
        }

        if (remaining.Count > 0)
        {
            throw new InvalidOperationException($"{remaining.Count} approved milestones were not paid within 60 s.");
        }

        var env = new StringBuilder()
            .AppendLine($"ADMIN_TOKEN={admin.Token}")
            .AppendLine($"EMPLOYER_TOKEN={employer.Token}")
            .AppendLine($"EMPLOYER_ID={employer.Id}")
            .AppendLine($"TRAINER_TOKEN={trainer.Token}")
            .AppendLine($"JOB_ID={job}")
            .AppendLine($"CONTRACT_ID={contract}")
            .AppendLine($"MILESTONE_ID={milestones[0]}");
        await File.WriteAllTextAsync(Path.Combine(outDir, "seed.env"), env.ToString());
        await File.WriteAllLinesAsync(Path.Combine(outDir, "milestone-paths.txt"), milestones.Select(m => $"/api/v1/milestones/{m}"));
        Figures.Log($"seeded {total} milestones ({paid} paid, {submitted} pending approval, {funded - paid - submitted} funded) in {clock.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }
}
