using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;
using OpenTrain.Clean.Infrastructure.Telemetry;

namespace OpenTrain.Clean.Api.FunctionalTests.Production;

/// <summary>
/// Many instances, one database: two API hosts take the requests while two worker hosts (the background
/// jobs only) drain the payouts and the outbox at the same time, on one SQLite file and one clock.
/// </summary>
public sealed class ManyInstancesTests
{
    private const int Payouts = 24;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task TwoApisAndTwoWorkers_OnOneDatabase_PayEveryPayoutOnceAndHandleEveryOutboxMessageOnce()
    {
        var transfers = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        var outboxSpans = new ConcurrentBag<(string MessageId, bool Ok)>();
        using var listener = ListenToOutboxSpans(outboxSpans);
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var api = new ApiHostOptions
        {
            Clock = clock,
            RateLimiting = false,
            Settings = new Dictionary<string, string?>
            {
                // Small batches, so that the workers claim many times against each other.
                ["Payouts:BatchSize"] = "3",
                ["Payouts:Parallelism"] = "2",
                ["Payouts:MaxBatchesPerRun"] = "1",
                ["Outbox:BatchSize"] = "3",
            },
        };
        using var apiA = ApiFactory.Create(api with { WrapGateway = (_, inner) => new CountingTransfers(inner, "api-a", transfers) });
        using var apiB = apiA.Sibling(api with { WrapGateway = (_, inner) => new CountingTransfers(inner, "api-b", transfers) });
        using var workerA = apiA.Sibling(api with { InProcessJobs = true, WrapGateway = (_, inner) => new CountingTransfers(inner, "worker-a", transfers) });
        using var workerB = apiA.Sibling(api with { InProcessJobs = true, WrapGateway = (_, inner) => new CountingTransfers(inner, "worker-b", transfers) });
        _ = workerA.Services;
        _ = workerB.Services;

        var clients = new[] { apiA.CreateApiClient(), apiB.CreateApiClient() };
        var employers = new[] { await clients[0].EmployerAsync(), await clients[1].EmployerAsync() };
        var trainers = new[] { await clients[0].PayoutReadyTrainerAsync(), await clients[0].PayoutReadyTrainerAsync() };
        var milestones = new List<Guid>();
        var ids = new List<Domain.Common.MilestoneId>();
        for (var i = 0; i < Payouts; i++)
        {
            var (hire, _) = await clients[i % 2].HireAndApproveAsync(employers[(i / 2) % 2], trainers[i % 2]);
            milestones.Add(hire.MilestoneId);
            ids.Add(new Domain.Common.MilestoneId(hire.MilestoneId));
        }

        await WaitAsync(clock, async () =>
            await apiA.QueryAsync(db => db.Set<Milestone>().CountAsync(m => ids.Contains(m.Id) && m.Status == MilestoneStatus.Paid)) == Payouts
            && await apiA.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.Pending)) == 0);

        // Every payout transferred once: one provider call per payout, one transfer at the provider, none by an API host.
        foreach (var milestoneId in milestones)
        {
            var calls = Assert.Single(transfers, t => t.Key == ProviderIdempotencyKeys.Payout(new Domain.Common.MilestoneId(milestoneId))).Value;
            Assert.Single(calls);
            Assert.Single(apiA.TransfersOf(milestoneId));
        }

        Assert.All(transfers.Values.SelectMany(c => c), host => Assert.StartsWith("worker-", host, StringComparison.Ordinal));
        Assert.Contains(transfers.Values.SelectMany(c => c), host => host == "worker-a");
        Assert.Contains(transfers.Values.SelectMany(c => c), host => host == "worker-b");

        // Every outbox message handled once, on its first attempt.
        var messages = await apiA.QueryAsync(db => db.OutboxMessages.AsNoTracking().ToListAsync());
        Assert.All(messages, m => Assert.Equal((OutboxStatus.Processed, 1), (m.Status, m.Attempts)));
        foreach (var message in messages)
        {
            Assert.Single(outboxSpans, s => s.MessageId == message.Id.ToString());
        }

        // No wasted claims: no payout round lost to another worker, no outbox lease lost, nothing failed.
        foreach (var host in new[] { apiA, apiB, workerA, workerB })
        {
            Assert.Empty(host.Logs.Entries.Where(e => e.Line.Contains("did not complete this round", StringComparison.Ordinal) || e.Line.Contains("lease lost", StringComparison.Ordinal)).Select(e => e.Line));
            // Two workers sweeping the same provider event: the inbox's claim lets one apply it and the other finds it recorded (no error).
            var errors = host.Logs.Errors.Select(e => e.Line).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
        }
    }

    private static ActivityListener ListenToOutboxSpans(ConcurrentBag<(string MessageId, bool Ok)> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == OpenTrainTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("messaging.message.id") is string id)
                {
                    spans.Add((id, activity.Status != ActivityStatusCode.Error));
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static async Task WaitAsync(FakeTimeProvider clock, Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the workers did not drain the payouts and the outbox in time");
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
        }
    }

    /// <summary>Counts each transfer call by its idempotency key and the host that made it.</summary>
    private sealed class CountingTransfers(IPaymentGateway inner, string host, ConcurrentDictionary<string, ConcurrentBag<string>> calls) : ForwardingPaymentGateway(inner)
    {
        public override Task<TransferResult> TransferAsync(TransferRequest request, CancellationToken cancellationToken)
        {
            calls.GetOrAdd(request.IdempotencyKey, _ => []).Add(host);
            return base.TransferAsync(request, cancellationToken);
        }
    }
}
