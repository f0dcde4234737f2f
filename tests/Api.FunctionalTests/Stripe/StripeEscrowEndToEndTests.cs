using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Api.FunctionalTests.Stripe;

/// <summary>Issue 4's "done when": with a Stripe key, hire -> fund -> approve -> payout sends only requests Stripe accepts, each with our idempotency key.</summary>
[Collection(StripeApiCollection.Name)]
public sealed class StripeEscrowEndToEndTests(StripeApiFixture api)
{
    [Fact]
    public async Task HireFundApprovePayout_WithAStripeKey_SendsOnlyAcceptedRequestsEachWithOurIdempotencyKey()
    {
        var fake = api.Fake;
        var violationsBefore = fake.Violations.Count;
        var mark = fake.LastSequence;

        // Employer: a card by id; trainer: signed in once.
        var employer = await api.Client.EmployerAsync("pm_card_visa");
        var trainer = await api.Client.TrainerAsync();

        // Hire: the first milestone is funded at once (milestone + 10% + $9.95).
        var (status, hired) = await api.HireAsync(employer, trainer.Id, amount: 50_000);
        Assert.True(status == HttpStatusCode.Created, hired.ToString());
        var milestoneId = hired.GetProperty("funding").GetProperty("milestone").GetProperty("id").GetGuid();
        var funded = await api.Client.MilestoneAsync(milestoneId, employer);
        Assert.Equal("active_funded", funded.GetProperty("status").GetString());
        var paymentIntentId = funded.GetProperty("funding").GetProperty("paymentIntentId").GetString()!;
        var chargeId = funded.GetProperty("funding").GetProperty("chargeId").GetString()!;

        // The trainer delivers, the employer approves: the payout is queued, and waits for payout setup.
        await api.Client.PostJsonAsync($"/api/v1/milestones/{milestoneId}/submit", trainer, new { note = "Done" }, HttpStatusCode.OK);
        var approved = await api.Client.PostJsonAsync($"/api/v1/milestones/{milestoneId}/approve", employer, null, HttpStatusCode.OK);
        Assert.Equal("payout_pending", approved.GetProperty("status").GetString());
        await api.PayDuePayoutsAsync();
        var waiting = await api.Client.MilestoneAsync(milestoneId, employer);
        Assert.Equal("payout_setup_incomplete", waiting.GetProperty("payout").GetProperty("reason").GetString());
        Assert.Empty(api.TransfersOf(milestoneId));

        // Settings -> Payouts: a connected account; onboarding finishes on Stripe; account.updated wakes the payout.
        var account = await api.Client.PostJsonAsync("/api/v1/payouts/account", trainer, new { country = "US" }, HttpStatusCode.OK);
        Assert.Equal("onboarding", account.GetProperty("status").GetString());
        var accountId = account.GetProperty("connectedAccountId").GetString()!;
        var (_, webhook) = await api.DeliverAsync("account.updated", fake.EnableAccount(accountId), account: accountId);
        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        Assert.Equal("enabled", (await api.Client.GetJsonAsync("/api/v1/payouts/account", trainer)).GetProperty("status").GetString());
        await api.PayDuePayoutsAsync();

        var paid = await api.Client.MilestoneAsync(milestoneId, employer);
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        var transfer = Assert.Single(api.TransfersOf(milestoneId));
        Assert.Equal(transfer["id"]!.GetValue<string>(), paid.GetProperty("payout").GetProperty("transferId").GetString());

        // Every call Stripe received was accepted, and every creating call carried a key derived from our ids.
        var calls = fake.RequestsSince(mark);
        Assert.All(calls, call => Assert.True(call.Succeeded, call.ToString()));
        Assert.Equal(violationsBefore, fake.Violations.Count);
        Assert.All(calls.Where(c => c.Method == "POST"), call =>
        {
            Assert.NotNull(call.IdempotencyKey);
            Assert.False(Guid.TryParse(call.IdempotencyKey, out _), $"random key: {call}");
        });

        var intentCall = Assert.Single(calls, c => c.Is("POST", "/v1/payment_intents"));
        Assert.Equal($"fund-{milestoneId:N}-1", intentCall.IdempotencyKey);
        Assert.Equal("55995", intentCall.Field("amount"));
        Assert.Equal("true", intentCall.Field("confirm"));
        Assert.Equal(milestoneId.ToString(), intentCall.Field("transfer_group"));
        Assert.Equal(paymentIntentId, fake.Object(paymentIntentId)["id"]!.GetValue<string>());
        Assert.Equal(chargeId, fake.Object(paymentIntentId)["latest_charge"]!.GetValue<string>());

        var transferCall = Assert.Single(calls, c => c.Is("POST", "/v1/transfers"));
        Assert.Equal($"payout-{milestoneId:N}", transferCall.IdempotencyKey);
        Assert.Equal("50000", transferCall.Field("amount"));
        Assert.Equal(accountId, transferCall.Field("destination"));
        Assert.Equal(chargeId, transferCall.Field("source_transaction"));
        Assert.Equal(milestoneId.ToString(), transferCall.Field("transfer_group"));

        // Both sides have their invoice: the employer's funding (paid) and the trainer's payout.
        var employerInvoices = (await api.Client.GetJsonAsync($"/api/v1/invoices?milestoneId={milestoneId}", employer)).GetProperty("data").EnumerateArray().ToList();
        var funding = Assert.Single(employerInvoices, i => i.GetProperty("kind").GetString() == "employer_funding");
        Assert.Equal("paid", funding.GetProperty("paymentStatus").GetString());
        Assert.Equal(55_995, funding.GetProperty("total").GetInt64());
        var trainerInvoices = (await api.Client.GetJsonAsync($"/api/v1/invoices?milestoneId={milestoneId}", trainer)).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(50_000, Assert.Single(trainerInvoices, i => i.GetProperty("kind").GetString() == "trainer_payout").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task PayoutRun_WhenRepeatedAfterPayment_SendsNoSecondTransfer()
    {
        var employer = await api.Client.EmployerAsync();
        var (trainer, _) = await api.TrainerReadyForPayoutsAsync();
        var milestoneId = await api.FundedMilestoneAsync(employer, trainer.Id);
        await api.Client.PostJsonAsync($"/api/v1/milestones/{milestoneId}/approve", employer, null, HttpStatusCode.OK);

        await api.PayDuePayoutsAsync();
        await api.PayDuePayoutsAsync();

        Assert.Equal("paid", (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("status").GetString());
        Assert.Single(api.TransfersOf(milestoneId));
        Assert.Single(api.Fake.Requests, r => r.Is("POST", "/v1/transfers") && r.Field("transfer_group") == milestoneId.ToString());
    }

    [Fact]
    public async Task PayoutRun_WhenStripeIsRateLimiting_KeepsThePayoutPendingAsRetrying()
    {
        var employer = await api.Client.EmployerAsync();
        var (trainer, _) = await api.TrainerReadyForPayoutsAsync();
        var milestoneId = await api.FundedMilestoneAsync(employer, trainer.Id);
        await api.Client.PostJsonAsync($"/api/v1/milestones/{milestoneId}/approve", employer, null, HttpStatusCode.OK);
        api.Fake.FailNext(FakeStripeFailure.RateLimit, "POST", "/v1/transfers");

        await api.PayDuePayoutsAsync();

        var milestone = await api.Client.MilestoneAsync(milestoneId, employer);
        Assert.Equal("payout_pending", milestone.GetProperty("status").GetString());
        Assert.Equal("retrying", milestone.GetProperty("payout").GetProperty("reason").GetString());
        Assert.Empty(api.TransfersOf(milestoneId));
    }
}
