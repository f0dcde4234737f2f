using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>Issue 6 §3: double clicks, parallel deliveries and parallel workers on SQLite.</summary>
public sealed class SafetyConcurrencyTests : IDisposable
{
    private readonly SafetyEffectLog _effects = new();
    private readonly ApiFactory _factory;
    private readonly ApiClient _api;

    public SafetyConcurrencyTests()
    {
        _factory = ApiFactory.Create(SafetyHost.HostOptions with
        {
            Settings = new Dictionary<string, string?> { ["Outbox:BatchSize"] = "5" },
            Services = _effects.Register<MilestoneCreated>(),
        });
        _api = _factory.CreateApiClient();
    }

    public void Dispose() => _factory.Dispose();

    // Guards: the milestone's state check inside one transaction plus its concurrency Version (409 concurrency_conflict): one approval, one payout.
    [Fact]
    public async Task Approve_WhenTwoApprovalsArriveAtTheSameInstant_OneSucceedsTheOtherGets409AndOnePayoutIsSent()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.PayoutReadyTrainerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, trainer);
        var milestones = new List<Guid> { hire.MilestoneId };
        for (var round = 1; round < 8; round++)
        {
            var milestoneId = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000);
            await Expect.StatusAsync(await _api.FundAsync(employer, milestoneId), HttpStatusCode.OK);
            milestones.Add(milestoneId);
        }

        foreach (var milestoneId in milestones)
        {
            var responses = await AtOnceAsync(() => _api.ApproveAsync(employer, milestoneId), () => _api.ApproveAsync(employer, milestoneId));

            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            var refused = Assert.Single(responses, r => r.StatusCode != HttpStatusCode.OK);
            await AssertConflictAsync(refused, "milestone_not_approvable", "concurrency_conflict");
            Assert.Equal(1, await _factory.CountOutboxAsync(nameof(MilestoneApproved), milestoneId));
            Assert.Single((await _factory.LoadMilestoneAsync(milestoneId)).Timeline, e => e.Action == "approved");
        }

        await _factory.RunPayoutJobAsync();
        foreach (var milestoneId in milestones)
        {
            Assert.Equal(MilestoneStatus.Paid, (await _factory.LoadMilestoneAsync(milestoneId)).Status);
            Assert.Single(_factory.TransfersOf(milestoneId));
        }
    }

    // Guards: the funding attempt committed under the milestone's state check (BeginFunding in its own transaction): two clicks make one charge.
    [Fact]
    public async Task Fund_WhenTwoFundingsArriveAtTheSameInstant_OneChargeIsMade()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, trainer);

        for (var round = 0; round < 6; round++)
        {
            var milestoneId = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000);

            var responses = await AtOnceAsync(() => _api.FundAsync(employer, milestoneId), () => _api.FundAsync(employer, milestoneId));

            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            await AssertConflictAsync(Assert.Single(responses, r => r.StatusCode != HttpStatusCode.OK), "milestone_not_fundable", "concurrency_conflict");
            var milestone = await _factory.LoadMilestoneAsync(milestoneId);
            Assert.Equal(MilestoneStatus.ActiveFunded, milestone.Status);
            Assert.Equal(1, milestone.Funding.Attempts);
            Assert.Single(_factory.PaymentIntentsOf(milestoneId));
            Assert.Single(await _factory.LoadInvoicesOfMilestoneAsync(milestoneId));
        }
    }

    // Guards: the webhook inbox (ProcessedWebhookEvents keyed by event id, written in the same transaction as the effect): twenty deliveries, one effect.
    [Fact]
    public async Task ApplyProviderEvent_WhenTheSameEventIsDeliveredTwentyTimesInParallel_HasOneEffectAndOneInboxRow()
    {
        var employer = await _api.EmployerAsync("pm_usBankAccount");
        var trainer = await _api.TrainerAsync();
        var jobId = await _api.CreateJobAsync(employer);
        var hired = await Expect.StatusAsync(await _api.HireAsync(employer, jobId, trainer), HttpStatusCode.Accepted);
        var milestoneId = hired.Id("funding.milestone.id");
        var settling = await _factory.LoadMilestoneAsync(milestoneId);
        Assert.Equal(MilestoneStatus.Funding, settling.Status);
        var eventId = $"evt_safety_{Guid.NewGuid():N}";
        var succeeded = new PaymentIntentChanged(
            eventId,
            "payment_intent.succeeded",
            new FundingResult(FundingOutcome.Succeeded, settling.Funding.PaymentIntentId, "ch_safety_settled"),
            new Dictionary<string, string> { ["milestone_id"] = milestoneId.ToString(), ["funding_attempt"] = "1" });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            try
            {
                return await _factory.SendAsync(new ApplyProviderEventCommand(succeeded));
            }
            catch (ConcurrencyConflictException)
            {
                // What the webhook endpoint answers 200 "duplicate" for: a concurrent delivery won.
                return WebhookOutcome.Duplicate;
            }
        })));

        Assert.Single(outcomes, o => o == WebhookOutcome.Applied);
        Assert.All(outcomes.Where(o => o != WebhookOutcome.Applied), o => Assert.Equal(WebhookOutcome.Duplicate, o));
        Assert.Equal(1, await _factory.QueryAsync(db => db.Set<ProcessedWebhookEvent>().CountAsync(e => e.EventId == eventId)));
        var funded = await _factory.LoadMilestoneAsync(milestoneId);
        Assert.Equal(MilestoneStatus.ActiveFunded, funded.Status);
        Assert.Single(funded.Timeline, e => e.Action == "funded");
        Assert.Equal(1, await _factory.CountOutboxAsync(nameof(MilestoneFunded), milestoneId));
        Assert.Equal(InvoicePaymentStatus.Paid, Assert.Single(await _factory.LoadInvoicesOfMilestoneAsync(milestoneId)).PaymentStatus);
    }

    // Guards: OutboxDispatcher's leased claims (conditional UPDATE on LockedUntil): a dead worker's batch waits for its lease, then the other worker takes it; each message's effect happens once.
    [Fact]
    public async Task Outbox_WhenOneOfTwoWorkersDiesMidBatch_TheOtherTakesOverAfterTheLeaseAndEachMessageTakesEffectOnce()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, trainer);
        await _factory.DrainOutboxAsync();
        for (var i = 0; i < 12; i++)
        {
            await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000);
        }

        var messages = await _factory.QueryAsync(db => db.OutboxMessages
            .Where(m => m.Type == nameof(MilestoneCreated) && m.Status == OutboxStatus.Pending).OrderBy(m => m.NextAttemptAt).Select(m => m.Id).ToListAsync());
        Assert.Equal(12, messages.Count);
        var lease = _factory.Services.GetRequiredService<IOptions<OutboxOptions>>().Value.Lease;

        // The dead worker claimed a batch (owner and lease set, as its claim does) and died before handling any of it.
        var deadBatch = messages.Take(5).ToList();
        var leasedUntil = _factory.Clock.GetUtcNow().Add(lease);
        await _factory.QueryAsync(db => db.OutboxMessages.Where(m => deadBatch.Contains(m.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedBy, "dead-worker:4242").SetProperty(m => m.LockedUntil, leasedUntil)));
        var first = _factory.Services.GetRequiredService<OutboxDispatcher>();
        var second = new OutboxDispatcher(
            _factory.Services.GetRequiredService<IServiceScopeFactory>(),
            _factory.Services.GetRequiredService<IOptions<OutboxOptions>>(),
            _factory.Clock,
            _factory.Services.GetRequiredService<ILogger<OutboxDispatcher>>());

        await Task.WhenAll(Task.Run(() => first.DrainAsync(CancellationToken.None)), Task.Run(() => second.DrainAsync(CancellationToken.None)));

        Assert.All(deadBatch, id => Assert.Equal(0, _effects.Deliveries(id)));
        Assert.All(messages.Except(deadBatch), id => Assert.Equal(1, _effects.Deliveries(id)));

        _factory.Clock.Advance(lease + TimeSpan.FromSeconds(1));
        await Task.WhenAll(Task.Run(() => first.DrainAsync(CancellationToken.None)), Task.Run(() => second.DrainAsync(CancellationToken.None)));

        foreach (var id in messages)
        {
            Assert.Equal(1, _effects.Deliveries(id));
            Assert.Equal(1, await SafetyEffectLog.CountEffectsAsync(_factory, id));
        }

        var states = await _factory.QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(m => messages.Contains(m.Id)).ToListAsync());
        Assert.All(states, m =>
        {
            Assert.Equal(OutboxStatus.Processed, m.Status);
            Assert.Equal(1, m.Attempts);
            Assert.Null(m.LockedBy);
        });
    }

    // Guards: the payout claim (a lease on NextPayoutAttemptAt, committed before the transfer) with the transfer key: two payout workers at once pay each milestone once.
    [Fact]
    public async Task PayoutJob_WhenTwoWorkersRunAtOnce_EachMilestoneIsPaidOnce()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.PayoutReadyTrainerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, trainer);
        var milestones = new List<Guid> { hire.MilestoneId };
        for (var i = 0; i < 4; i++)
        {
            var milestoneId = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000);
            await Expect.StatusAsync(await _api.FundAsync(employer, milestoneId), HttpStatusCode.OK);
            milestones.Add(milestoneId);
        }

        foreach (var milestoneId in milestones)
        {
            await Expect.StatusAsync(await _api.ApproveAsync(employer, milestoneId), HttpStatusCode.OK);
        }

        await Task.WhenAll(Task.Run(_factory.RunPayoutJobAsync), Task.Run(_factory.RunPayoutJobAsync));
        _factory.Clock.Advance(TimeSpan.FromMinutes(10));
        await _factory.RunPayoutJobAsync();

        foreach (var milestoneId in milestones)
        {
            Assert.Equal(MilestoneStatus.Paid, (await _factory.LoadMilestoneAsync(milestoneId)).Status);
            Assert.Single(_factory.TransfersOf(milestoneId));
            Assert.Single(await _factory.LoadInvoicesOfMilestoneAsync(milestoneId), i => i.Kind == InvoiceKind.TrainerPayout);
        }
    }

    /// <summary>Starts both requests at the same instant (released together from a gate) and waits for both.</summary>
    private static async Task<HttpResponseMessage[]> AtOnceAsync(Func<Task<HttpResponseMessage>> one, Func<Task<HttpResponseMessage>> other)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new[] { one, other }.Select(send => Task.Run(async () =>
        {
            await gate.Task;
            return await send();
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }

    private static async Task AssertConflictAsync(HttpResponseMessage response, params string[] codes)
    {
        var problem = await Expect.StatusAsync(response, HttpStatusCode.Conflict);
        Assert.Contains(problem.Str("code"), codes);
    }
}
