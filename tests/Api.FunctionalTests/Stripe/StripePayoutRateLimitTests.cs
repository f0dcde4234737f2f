using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Api.FunctionalTests.Stripe;

[CollectionDefinition(Name)]
public sealed class StripeRetryingApiCollection : ICollectionFixture<StripeRetryingApiFixture>
{
    public const string Name = "Stripe API with Stripe.net's retries";
}

/// <summary>
/// The Stripe host as production runs it: Stripe.net retries what Stripe asks it to (Stripe:MaxNetworkRetries 2).
/// Tokens follow the test clock, which the tests move past a payout's backoff.
/// </summary>
public sealed class StripeRetryingApiFixture : StripeApiFixture
{
    protected override ApiHostOptions Configure(ApiHostOptions options) => options with
    {
        TokensFollowClock = true,
        Settings = new Dictionary<string, string?>(options.Settings) { ["Stripe:MaxNetworkRetries"] = "2" },
    };
}

/// <summary>
/// Stripe's rate limit (429) on transfers: Stripe.net retries with its backoff when Stripe says a retry may
/// succeed; past its retries the payout waits as retrying (with the reason, on the payout schedule). Either
/// way every attempt of one payout carries the same idempotency key and Stripe makes one transfer.
/// </summary>
[Collection(StripeRetryingApiCollection.Name)]
public sealed class StripePayoutRateLimitTests(StripeRetryingApiFixture api)
{
    [Fact]
    public async Task PayoutRun_WhenStripeAnswers429TwiceAndAsksForARetry_StripeNetRetriesAndThePayoutIsPaidOnceUnderOneKey()
    {
        var employer = await api.Client.EmployerAsync();
        var (trainer, accountId) = await api.TrainerReadyForPayoutsAsync();
        var milestoneId = await api.FundedMilestoneAsync(employer, trainer.Id);
        await api.Client.PostJsonAsync($"/api/v1/milestones/{milestoneId}/approve", employer, null, HttpStatusCode.OK);
        api.Fake.FailNext(FakeStripeFailure.RateLimitShouldRetry, "POST", "/v1/transfers");
        api.Fake.FailNext(FakeStripeFailure.RateLimitShouldRetry, "POST", "/v1/transfers");

        await api.PayDuePayoutsAsync();

        api.Fake.ClearFailures();
        var paid = await api.Client.MilestoneAsync(milestoneId, employer);
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        var transfer = Assert.Single(api.TransfersOf(milestoneId));
        Assert.Equal(accountId, transfer["destination"]!.GetValue<string>());
        var attempts = AttemptsOf(milestoneId);
        Assert.Equal([429, 429, 200], attempts.Select(a => a.Status));
        Assert.Single(attempts.Select(a => a.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task PayoutRun_WhenABurstOf429sOutlastsStripeNetsRetries_TheRefusedWaitAsRetryingWithTheReasonThenEachIsPaidOnceUnderItsKey()
    {
        var employer = await api.Client.EmployerAsync();
        var (trainer, _) = await api.TrainerReadyForPayoutsAsync();
        var milestones = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var milestoneId = await api.FundedMilestoneAsync(employer, trainer.Id);
            await api.Client.PostJsonAsync($"/api/v1/milestones/{milestoneId}/approve", employer, null, HttpStatusCode.OK);
            milestones.Add(milestoneId);
        }

        // Six 429s in a row: two payouts use up their 1 + Stripe:MaxNetworkRetries attempts, the burst is over for the third.
        for (var i = 0; i < 6; i++)
        {
            api.Fake.FailNext(FakeStripeFailure.RateLimitShouldRetry, "POST", "/v1/transfers");
        }

        await api.PayDuePayoutsAsync();

        api.Fake.ClearFailures();
        var payouts = new List<System.Text.Json.JsonElement>();
        foreach (var milestoneId in milestones)
        {
            payouts.Add((await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("payout"));
        }

        var waiting = payouts.Where(p => p.GetProperty("status").GetString() == "pending").ToList();
        Assert.Equal(2, waiting.Count);
        Assert.Single(payouts, p => p.GetProperty("status").GetString() == "paid");
        Assert.All(waiting, payout =>
        {
            Assert.Equal("retrying", payout.GetProperty("reason").GetString());
            Assert.False(string.IsNullOrWhiteSpace(payout.GetProperty("lastError").GetString()));
            Assert.True(payout.GetProperty("nextAttemptAt").GetDateTimeOffset() > api.Factory.Clock.GetUtcNow());
        });
        Assert.Equal(6, milestones.Sum(m => AttemptsOf(m).Count(a => a.Status == 429)));

        // The backoff holds: a run before the next attempt is due sends nothing.
        var sent = milestones.Sum(m => AttemptsOf(m).Count);
        await api.PayDuePayoutsAsync();
        Assert.Equal(sent, milestones.Sum(m => AttemptsOf(m).Count));

        var due = waiting.Max(p => p.GetProperty("nextAttemptAt").GetDateTimeOffset());
        api.Factory.Clock.Advance(due - api.Factory.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        await api.PayDuePayoutsAsync();

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var milestoneId in milestones)
        {
            Assert.Equal("paid", (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("status").GetString());
            Assert.Single(api.TransfersOf(milestoneId));
            var attempts = AttemptsOf(milestoneId);
            Assert.Equal(200, attempts[^1].Status);
            var key = Assert.Single(attempts.Select(a => a.IdempotencyKey).Distinct());
            Assert.NotNull(key);
            Assert.True(keys.Add(key), $"Two payouts share the idempotency key {key}.");
        }
    }

    // Guards: the provider's Retry-After (ProviderRateLimit, PayoutSteps' retry time): after a 429 asking for two minutes, the
    // batch sends nothing more and no run claims or sends until they pass; the refused payout's next attempt is no sooner;
    // then each payout is paid once, under its own key.
    [Fact]
    public async Task PayoutRun_WhenStripeAnswers429WithRetryAfter_NoTransferIsSentUntilItPassesThenEachIsPaidOnceUnderItsKey()
    {
        var employer = await api.Client.EmployerAsync();
        var (trainer, _) = await api.TrainerReadyForPayoutsAsync();
        var milestones = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var milestoneId = await api.FundedMilestoneAsync(employer, trainer.Id);
            await api.Client.PostJsonAsync($"/api/v1/milestones/{milestoneId}/approve", employer, null, HttpStatusCode.OK);
            milestones.Add(milestoneId);
        }

        api.Fake.FailNext(FakeStripeFailure.RateLimitRetryAfter, "POST", "/v1/transfers");
        var started = api.Factory.Clock.GetUtcNow();

        await api.PayDuePayoutsAsync();

        // One transfer was asked for and refused; the rest of the batch waits (Stripe.net does not retry without Stripe-Should-Retry).
        var refused = Assert.Single(milestones, m => AttemptsOf(m).Count > 0);
        Assert.Equal([429], AttemptsOf(refused).Select(a => a.Status));
        Assert.All(milestones.Where(m => m != refused), m => Assert.Empty(AttemptsOf(m)));
        var payout = (await api.Client.MilestoneAsync(refused, employer)).GetProperty("payout");
        Assert.Equal("retrying", payout.GetProperty("reason").GetString());
        Assert.True(payout.GetProperty("nextAttemptAt").GetDateTimeOffset() >= started + TimeSpan.FromSeconds(120), "the next attempt honours Retry-After: 120");

        // A minute later the provider's pause still holds: no run sends anything.
        api.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await api.PayDuePayoutsAsync();
        Assert.Equal(1, milestones.Sum(m => AttemptsOf(m).Count));

        api.Factory.Clock.Advance(TimeSpan.FromSeconds(61));
        await api.PayDuePayoutsAsync();

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var milestoneId in milestones)
        {
            Assert.Equal("paid", (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("status").GetString());
            Assert.Single(api.TransfersOf(milestoneId));
            var attempts = AttemptsOf(milestoneId);
            Assert.Equal(200, attempts[^1].Status);
            var key = Assert.Single(attempts.Select(a => a.IdempotencyKey).Distinct());
            Assert.True(keys.Add(key!), $"Two payouts share the idempotency key {key}.");
        }

        Assert.Equal([429, 200], AttemptsOf(refused).Select(a => a.Status));
    }

    private List<FakeStripeRequest> AttemptsOf(Guid milestoneId) =>
        [.. api.Fake.Requests.Where(r => r.Is("POST", "/v1/transfers") && r.Field("transfer_group") == milestoneId.ToString())];
}
