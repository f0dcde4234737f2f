using OpenTrain.Clean.Bench.Driver;

// The benchmark driver. Every command is bounded in time and count and talks only to loopback.
// Figures go to stdout as "name: value unit"; everything else goes to stderr.
var options = Args.Parse(args);
try
{
    return options.Command switch
    {
        "seed" => await Seed.RunAsync(options),
        "lifecycle" => await Lifecycle.RunAsync(options),
        "outbox-seed" => await OutboxBench.SeedAsync(options),
        "outbox-wait" => await OutboxBench.WaitAsync(options),
        "payout-seed" => PayoutBench.Seed(options),
        "payout-wait" => await PayoutBench.WaitAsync(options),
        "grow" => await Growth.RunAsync(options),
        "report-query" => await Growth.ReportQueryAsync(options),
        "sql-cost" => await SqlCost.RunAsync(options),
        "perf-summary" => PerfSummary.Run(options),
        "wait-http" => await Api.WaitUntilUpAsync(options.Get("url"), options.Seconds("timeout", 60)) ? 0 : 1,
        _ => Usage(),
    };
}
catch (Exception exception)
{
    await Console.Error.WriteLineAsync($"driver {options.Command}: {exception}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: driver <command> [--name value ...]
          seed         --api URL --out DIR [--milestones 30]
          lifecycle    --api URL [--clients 16] [--duration 20] [--drain 40]
          outbox-seed  --db FILE --count N
          outbox-wait  --db FILE --count N --label NAME [--timeout 40]
          payout-seed  --db FILE --count N
          payout-wait  --db FILE --count N --label NAME [--timeout 60]
          grow         --db FILE --milestones N --invoices N --label NAME
          report-query --db FILE --label NAME
          sql-cost     --db FILE --employer ID --milestone ID --contract ID [--runs 2000]
          perf-summary --fp FILE --dwarf FILE --prefix NAME
          wait-http    --url URL [--timeout 60]
        """);
    return 64;
}
