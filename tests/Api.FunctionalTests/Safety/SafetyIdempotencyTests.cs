using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>Issue 6 §1: <c>Idempotency-Key</c> on the POSTs that create something or move money.</summary>
public sealed class SafetyIdempotencyTests(SafetyFixture fixture) : IClassFixture<SafetyFixture>
{
    private const string Replayed = "Idempotent-Replayed";
    private readonly ApiFactory _factory = fixture.Factory;
    private readonly ApiClient _api = fixture.Factory.CreateApiClient();

    // Guards: IdempotencyMiddleware's replay of the stored response (without it the repeat hires and charges again).
    [Fact]
    public async Task Hire_WhenRepeatedWithTheSameKey_ReplaysTheFirstResponseAndHiresAndChargesOnce()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var jobId = await _api.CreateJobAsync(employer);
        var key = NewKey();

        var (first, _) = await AssertReplayedAsync(() => _api.HireAsync(employer, jobId, trainer, idempotencyKey: key), HttpStatusCode.Created);

        var milestoneId = first.Id("funding.milestone.id");
        Assert.Equal(1, await _factory.QueryAsync(db => db.Set<Domain.Contracts.Contract>().CountAsync(c => c.JobId == new JobId(jobId))));
        Assert.Single(_factory.PaymentIntentsOf(milestoneId));
    }

    // Guards: IdempotencyMiddleware's replay (without it the repeat answers 409 milestone_not_fundable instead of the first 200).
    [Fact]
    public async Task Fund_WhenRepeatedWithTheSameKey_ReplaysTheFirstResponseAndChargesOnce()
    {
        var (employer, hire) = await HiredAsync();
        var milestoneId = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000);
        var key = NewKey();

        var (first, _) = await AssertReplayedAsync(() => _api.FundAsync(employer, milestoneId, key), HttpStatusCode.OK);

        Assert.Equal("succeeded", first.Str("outcome"));
        Assert.Single(_factory.PaymentIntentsOf(milestoneId));
    }

    // Guards: IdempotencyMiddleware's replay (without it the repeat answers 409 milestone_not_approvable).
    [Fact]
    public async Task Approve_WhenRepeatedWithTheSameKey_ReplaysTheFirstResponseAndApprovesOnce()
    {
        var (employer, hire) = await HiredAsync();
        var key = NewKey();

        var (first, _) = await AssertReplayedAsync(() => _api.ApproveAsync(employer, hire.MilestoneId, key), HttpStatusCode.OK);

        Assert.Equal("payout_pending", first.Str("status"));
        Assert.Equal(1, await _factory.CountOutboxAsync("MilestoneApproved", hire.MilestoneId));
    }

    // Guards: IdempotencyMiddleware's replay of the stored status, body and Location (without it a second milestone is created).
    [Fact]
    public async Task AddMilestone_WhenRepeatedWithTheSameKey_ReplaysTheFirstResponseAndCreatesOne()
    {
        var (employer, hire) = await HiredAsync();
        var key = NewKey();

        var (first, response) = await AssertReplayedAsync(
            () => _api.PostAsync($"/api/v1/contracts/{hire.ContractId}/milestones", employer, new { description = "Next 500 pairs", amount = 20_000 }, key),
            HttpStatusCode.Created);

        Assert.Equal($"/api/v1/milestones/{first.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal(2, await CountMilestonesAsync(hire.ContractId));
    }

    // Guards: IdempotencyMiddleware's replay on the payment-method route.
    [Fact]
    public async Task AttachPaymentMethod_WhenRepeatedWithTheSameKey_ReplaysTheFirstResponse()
    {
        var employer = await _api.EmployerAsync(paymentMethodId: null);
        var key = NewKey();
        var calls = _factory.Faults.GatewayCalls("AttachPaymentMethodAsync");

        var (first, _) = await AssertReplayedAsync(
            () => _api.PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId = "pm_card_mastercard" }, key), HttpStatusCode.OK);

        Assert.Equal("pm_card_mastercard", first.Str("defaultPaymentMethod.id"));
        Assert.Equal(calls + 1, _factory.Faults.GatewayCalls("AttachPaymentMethodAsync"));
    }

    // Guards: IdempotencyMiddleware's replay on the payout-account route (the provider is asked once).
    [Fact]
    public async Task StartPayoutAccount_WhenRepeatedWithTheSameKey_ReplaysTheFirstResponseAndCreatesOneAccount()
    {
        var trainer = await _api.TrainerAsync();
        var key = NewKey();
        var calls = _factory.Faults.GatewayCalls("CreateConnectedAccountAsync");

        var (first, _) = await AssertReplayedAsync(() => _api.PostAsync("/api/v1/payouts/account", trainer, new { country = "US" }, key), HttpStatusCode.OK);

        Assert.StartsWith("acct_", first.Str("connectedAccountId"), StringComparison.Ordinal);
        Assert.Equal(calls + 1, _factory.Faults.GatewayCalls("CreateConnectedAccountAsync"));
    }

    // Guards: the request hash kept with the key (IdempotencyStore.ClaimAsync's Mismatch): without it the second body would be answered with the first response.
    [Fact]
    public async Task AddMilestone_WhenTheSameKeyComesWithAnotherBody_Answers422AndCreatesNothing()
    {
        var (employer, hire) = await HiredAsync();
        var key = NewKey();
        await Expect.StatusAsync(
            await _api.PostAsync($"/api/v1/contracts/{hire.ContractId}/milestones", employer, new { description = "Next 500 pairs", amount = 20_000 }, key), HttpStatusCode.Created);

        var response = await _api.PostAsync($"/api/v1/contracts/{hire.ContractId}/milestones", employer, new { description = "Next 500 pairs", amount = 90_000 }, key);

        await Expect.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(2, await CountMilestonesAsync(hire.ContractId));
    }

    // Guards: the running claim (Completed = false until the first response is kept): without it the repeat would run the fund a second time.
    [Fact]
    public async Task Fund_WhenRepeatedWhileTheFirstIsStillRunning_Answers409InProgressAndChargesOnce()
    {
        var (employer, hire) = await HiredAsync();
        var milestoneId = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000);
        var key = NewKey();
        var hold = _factory.Faults.HoldGateway("FundAsync");
        try
        {
            var first = _api.FundAsync(employer, milestoneId, key);
            await hold.Entered.WaitAsync(TimeSpan.FromSeconds(10));

            var repeat = await _api.FundAsync(employer, milestoneId, key);

            await Expect.ProblemAsync(repeat, HttpStatusCode.Conflict, "idempotency_request_in_progress");
            Assert.Equal("1", repeat.Headers.RetryAfter?.ToString());
            hold.Release();
            await Expect.StatusAsync(await first, HttpStatusCode.OK);
        }
        finally
        {
            _factory.Faults.Disarm();
        }

        var replay = await _api.FundAsync(employer, milestoneId, key);
        await Expect.StatusAsync(replay, HttpStatusCode.OK);
        Assert.True(replay.Headers.Contains(Replayed));
        Assert.Single(_factory.PaymentIntentsOf(milestoneId));
    }

    // Guards: the key is scoped per caller (primary key (caller, key)): without it the second employer would get the first one's job.
    [Fact]
    public async Task CreateJob_WhenAnotherCallerUsesTheSameKey_RunsTheirRequestIndependently()
    {
        var ada = await _api.EmployerAsync(paymentMethodId: null);
        var bob = await _api.EmployerAsync(paymentMethodId: null);
        var key = NewKey();

        var adas = await _api.PostAsync("/api/v1/jobs", ada, new { title = "Pairs" }, key);
        var bobs = await _api.PostAsync("/api/v1/jobs", bob, new { title = "Pairs" }, key);
        var bobsOther = await _api.PostAsync("/api/v1/jobs", bob, new { title = "Other pairs" }, NewKey());

        var adasJob = await Expect.StatusAsync(adas, HttpStatusCode.Created);
        var bobsJob = await Expect.StatusAsync(bobs, HttpStatusCode.Created);
        await Expect.StatusAsync(bobsOther, HttpStatusCode.Created);
        Assert.NotEqual(adasJob.Id(), bobsJob.Id());
        Assert.False(bobs.Headers.Contains(Replayed));
        Assert.Equal(bob.Id, bobsJob.Id("employerId"));
    }

    // Guards: the claim is an insert on a unique key (caller, key), not check-then-insert: ten requests racing on one key make one charge.
    [Fact]
    public async Task Fund_WhenTenRequestsRaceOnOneKey_ChargesOnceAndEveryOtherAnswerIsAReplayOrInProgress()
    {
        var (employer, hire) = await HiredAsync();
        var milestoneId = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000);
        var key = NewKey();
        var hold = _factory.Faults.HoldGateway("FundAsync");
        List<HttpResponseMessage> responses;
        try
        {
            var requests = Enumerable.Range(0, 10).Select(_ => Task.Run(() => _api.FundAsync(employer, milestoneId, key))).ToList();
            await hold.Entered.WaitAsync(TimeSpan.FromSeconds(10));

            // Let the others reach the middleware while the first is at the provider.
            await WhenCompletedAsync(requests, 9, TimeSpan.FromSeconds(10));
            hold.Release();
            responses = [.. await Task.WhenAll(requests)];
        }
        finally
        {
            _factory.Faults.Disarm();
        }

        Assert.Single(_factory.PaymentIntentsOf(milestoneId));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK && !r.Headers.Contains(Replayed));
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "idempotency_request_in_progress");
        }
    }

    // Guards: the unique key (caller, key) on a route with no state machine behind it: without the race-safe claim two milestones appear.
    [Fact]
    public async Task AddMilestone_WhenTenRequestsRaceOnOneKey_CreatesOneMilestone()
    {
        var (employer, hire) = await HiredAsync();
        var key = NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            _api.PostAsync($"/api/v1/contracts/{hire.ContractId}/milestones", employer, new { description = "Next 500 pairs", amount = 20_000 }, key))));

        Assert.Equal(2, await CountMilestonesAsync(hire.ContractId));
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.Single(created, r => !r.Headers.Contains(Replayed));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
    }

    // Guards: IdempotencyMiddleware's key check (1 to 255 printable characters).
    [Theory]
    [InlineData(256)]
    [InlineData(10_000)]
    public async Task AddMilestone_WhenTheKeyIsTooLong_Answers400AndCreatesNothing(int length)
    {
        var (employer, hire) = await HiredAsync();

        var response = await _api.PostAsync($"/api/v1/contracts/{hire.ContractId}/milestones", employer, new { description = "Next 500 pairs", amount = 20_000 }, new string('k', length));

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "idempotency_key_invalid");
        Assert.Equal(1, await CountMilestonesAsync(hire.ContractId));
    }

    // Guards: the same check's other side: 255 characters are a valid key (the limit is not off by one).
    [Fact]
    public async Task AddMilestone_WhenTheKeyHas255Characters_IsAccepted()
    {
        var (employer, hire) = await HiredAsync();

        var response = await _api.PostAsync($"/api/v1/contracts/{hire.ContractId}/milestones", employer, new { description = "Next 500 pairs", amount = 20_000 }, new string('k', 255));

        await Expect.StatusAsync(response, HttpStatusCode.Created);
    }

    // Guards: IdempotencyMiddleware's refusal of control characters in the key.
    [Fact]
    public async Task AddMilestone_WhenTheKeyHasAControlCharacter_Answers400AndCreatesNothing()
    {
        var (employer, hire) = await HiredAsync();

        var response = await _api.PostAsync($"/api/v1/contracts/{hire.ContractId}/milestones", employer, new { description = "Next 500 pairs", amount = 20_000 }, "key\twith-a-tab");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "idempotency_key_invalid");
        Assert.Equal(1, await CountMilestonesAsync(hire.ContractId));
    }

    // Guards: IdempotencyStore.PurgeExpiredAsync (the clean-up job's work): records older than 24 hours go, younger ones stay.
    [Fact]
    public async Task PurgeExpired_After25Hours_DeletesTheExpiredRecordsOnly()
    {
        using var factory = SafetyHost.Start();
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync(paymentMethodId: null);
        var oldKey = NewKey();
        await Expect.StatusAsync(await api.PostAsync("/api/v1/jobs", employer, new { title = "Pairs" }, oldKey), HttpStatusCode.Created);
        var store = factory.Services.GetRequiredService<IIdempotencyStore>();
        factory.Clock.Advance(TimeSpan.FromHours(23));
        var youngKey = NewKey();
        Assert.Equal(IdempotencyClaimOutcome.Claimed, (await store.ClaimAsync(new UserId(employer.Id), youngKey, "hash", CancellationToken.None)).Outcome);
        factory.Clock.Advance(TimeSpan.FromHours(2));

        var purged = await store.PurgeExpiredAsync(CancellationToken.None);

        Assert.True(purged >= 1);
        var keys = await factory.QueryAsync(db => db.Set<IdempotencyRecord>().Where(r => r.CallerId == employer.Id).Select(r => r.Key).ToListAsync());
        Assert.Equal(new[] { youngKey }, keys);

        // The purged key is free again.
        Assert.Equal(IdempotencyClaimOutcome.Claimed, (await store.ClaimAsync(new UserId(employer.Id), oldKey, "another request", CancellationToken.None)).Outcome);
    }

    private static string NewKey() => $"safety-{Guid.NewGuid():N}";

    private async Task<(Actor Employer, Hired Hire)> HiredAsync()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        return (employer, await _api.HireOnNewJobAsync(employer, trainer));
    }

    private Task<int> CountMilestonesAsync(Guid contractId) =>
        _factory.QueryAsync(db => db.Set<Milestone>().CountAsync(m => m.ContractId == new ContractId(contractId)));

    /// <summary>Sends twice: the second answer is the first one again (status, body, Location), marked replayed.</summary>
    private async Task<(System.Text.Json.JsonElement First, HttpResponseMessage Response)> AssertReplayedAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode expected)
    {
        var first = await send();
        var firstBody = await first.Content.ReadAsStringAsync();
        var firstJson = await Expect.StatusAsync(first, expected);
        Assert.False(first.Headers.Contains(Replayed));

        var second = await send();

        Assert.Equal(expected, second.StatusCode);
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Content.Headers.ContentType?.MediaType, second.Content.Headers.ContentType?.MediaType);
        Assert.Equal("true", Assert.Single(second.Headers.GetValues(Replayed)));
        return (firstJson, first);
    }

    private static async Task WhenCompletedAsync(IReadOnlyList<Task<HttpResponseMessage>> tasks, int count, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (tasks.Count(t => t.IsCompleted) < count && !cancel.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }
    }
}
