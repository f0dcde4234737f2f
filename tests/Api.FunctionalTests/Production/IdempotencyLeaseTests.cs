using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Api.FunctionalTests.Safety;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Api.FunctionalTests.Production;

/// <summary>
/// The running Idempotency-Key lease is short and renewed: a slow first request keeps its key however long
/// it runs, and a request that died with its process stops blocking its key within seconds.
/// </summary>
public sealed class IdempotencyLeaseTests(SafetyFixture fixture) : IClassFixture<SafetyFixture>
{
    private readonly ApiFactory _factory = fixture.Factory;
    private readonly ApiClient _api = fixture.Factory.CreateApiClient();

    [Fact]
    public async Task Fund_WhileTheFirstRequestRunsLongerThanTheLease_RepeatsAnswer409AndItChargesOnce()
    {
        var employer = await _api.EmployerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());
        var milestoneId = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000);
        var key = $"lease-{Guid.NewGuid():N}";
        var hold = _factory.Faults.HoldGateway("FundAsync");
        try
        {
            var first = _api.FundAsync(employer, milestoneId, key);
            await hold.Entered.WaitAsync(TimeSpan.FromSeconds(10));

            // Three leases long, one renewal period at a time: the middleware renews the claim as the clock moves.
            for (var elapsed = TimeSpan.Zero; elapsed < 3 * IdempotencyLease.Running; elapsed += IdempotencyLease.RenewEvery)
            {
                _factory.Clock.Advance(IdempotencyLease.RenewEvery);
                await WaitForRenewalAsync(employer, key);
            }

            await Expect.ProblemAsync(await _api.FundAsync(employer, milestoneId, key), HttpStatusCode.Conflict, "idempotency_request_in_progress");
            hold.Release();
            await Expect.StatusAsync(await first, HttpStatusCode.OK);
        }
        finally
        {
            _factory.Faults.Disarm();
        }

        Assert.Single(_factory.PaymentIntentsOf(milestoneId));
    }

    [Fact]
    public async Task CreateJob_WhenTheFirstRequestDiedWithItsProcess_IsRetryableWithinSeconds()
    {
        var employer = await _api.EmployerAsync(paymentMethodId: null);
        var body = new { title = "Pairs" };
        var finished = $"lease-{Guid.NewGuid():N}";
        await Expect.StatusAsync(await _api.PostAsync("/api/v1/jobs", employer, body, finished), HttpStatusCode.Created);
        var requestHash = (await RecordAsync(employer, finished)).RequestHash;

        // The claim a process that died mid-request leaves behind: running, and nobody renews it any more.
        var dead = $"lease-{Guid.NewGuid():N}";
        var store = _factory.Services.GetRequiredService<IIdempotencyStore>();
        Assert.Equal(IdempotencyClaimOutcome.Claimed, (await store.ClaimAsync(new UserId(employer.Id), dead, requestHash, CancellationToken.None)).Outcome);
        await Expect.ProblemAsync(await _api.PostAsync("/api/v1/jobs", employer, body, dead), HttpStatusCode.Conflict, "idempotency_request_in_progress");

        _factory.Clock.Advance(IdempotencyLease.Running + TimeSpan.FromSeconds(1));

        await Expect.StatusAsync(await _api.PostAsync("/api/v1/jobs", employer, body, dead), HttpStatusCode.Created);
    }

    private Task<IdempotencyRecord> RecordAsync(Actor employer, string key) =>
        _factory.QueryAsync(db => db.Set<IdempotencyRecord>().AsNoTracking().SingleAsync(r => r.CallerId == employer.Id && r.Key == key));

    /// <summary>Waits until the claim's lease reaches past the clock (the renewal ran after the clock moved).</summary>
    private async Task WaitForRenewalAsync(Actor employer, string key)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var lockedUntil = (await RecordAsync(employer, key)).LockedUntil;
            if (lockedUntil - _factory.Clock.GetUtcNow() > IdempotencyLease.Running - IdempotencyLease.RenewEvery)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the running claim was not renewed");
            await Task.Delay(20);
        }
    }
}
