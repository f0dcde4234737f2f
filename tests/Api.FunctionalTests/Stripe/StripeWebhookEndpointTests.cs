using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Api.FunctionalTests.Stripe;

/// <summary>POST /webhooks/stripe: signature first, each event id applied once, late or repeated events never move a milestone back.</summary>
[Collection(StripeApiCollection.Name)]
public sealed class StripeWebhookEndpointTests(StripeApiFixture api)
{
    [Fact]
    public async Task PaymentIntentSucceeded_WhenSignedAndThe3DSecureFundingIsInFlight_FundsTheMilestone()
    {
        var (employer, milestoneId, intentId) = await FundingAwaitingAuthenticationAsync();
        var completed = api.Fake.SucceedPaymentIntent(intentId);

        var (eventId, response) = await api.DeliverAsync("payment_intent.succeeded", completed);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("applied", (await Body(response)).GetProperty("outcome").GetString());
        var milestone = await api.Client.MilestoneAsync(milestoneId, employer);
        Assert.Equal("active_funded", milestone.GetProperty("status").GetString());
        Assert.Equal(completed["latest_charge"]!.GetValue<string>(), milestone.GetProperty("funding").GetProperty("chargeId").GetString());
        Assert.True(await api.EventRecordedAsync(eventId));
    }

    [Fact]
    public async Task AnyEvent_WhenTheSignatureDoesNotMatch_Answers400InvalidSignatureAndStoresNothing()
    {
        var (employer, milestoneId, intentId) = await FundingAwaitingAuthenticationAsync();
        var (eventId, json) = FakeStripeEvents.Create("payment_intent.succeeded", api.Fake.SucceedPaymentIntent(intentId));

        var response = await api.DeliverRawAsync(json, FakeStripeEvents.Sign(json, "whsec_somebody_else_000000000000000"));

        await AssertInvalidSignatureAsync(response);
        Assert.False(await api.EventRecordedAsync(eventId));
        Assert.Equal("funding", (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnyEvent_WithoutASignatureHeader_Answers400InvalidSignature()
    {
        var (eventId, json) = FakeStripeEvents.Create("customer.created", FakeStripeObjects.Customer("cus_1FkUnsigned", "Ada", "ada@example.test", new JsonObject()));

        var response = await api.DeliverRawAsync(json, signature: null);

        await AssertInvalidSignatureAsync(response);
        Assert.False(await api.EventRecordedAsync(eventId));
    }

    [Fact]
    public async Task AnyEvent_WhenSignedLongerAgoThanTheTolerance_Answers400AndStoresNothing()
    {
        var (employer, milestoneId, intentId) = await FundingAwaitingAuthenticationAsync();
        var (eventId, json) = FakeStripeEvents.Create("payment_intent.succeeded", api.Fake.SucceedPaymentIntent(intentId));

        var response = await api.DeliverRawAsync(json, FakeStripeEvents.Sign(json, signedAt: DateTimeOffset.UtcNow.AddMinutes(-6)));

        await AssertInvalidSignatureAsync(response);
        Assert.False(await api.EventRecordedAsync(eventId));
        Assert.Equal("funding", (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task SameEventId_WhenDeliveredAgain_Answers200DuplicateAndChangesNothing()
    {
        var (_, accountId) = await api.TrainerReadyForPayoutsAsync();
        var (eventId, json) = FakeStripeEvents.Create("account.updated", api.Fake.Object(accountId), account: accountId);
        var first = await api.DeliverRawAsync(json, FakeStripeEvents.Sign(json));
        var lookupsAfterFirst = AccountLookups(accountId);

        var replay = await api.DeliverRawAsync(json, FakeStripeEvents.Sign(json));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("applied", (await Body(first)).GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var replayBody = await Body(replay);
        Assert.Equal("duplicate", replayBody.GetProperty("outcome").GetString());
        Assert.Equal(eventId, replayBody.GetProperty("eventId").GetString());
        Assert.Equal(lookupsAfterFirst, AccountLookups(accountId));
    }

    [Fact]
    public async Task SameEvent_When20DeliveriesArriveAtOnce_IsAppliedOnce()
    {
        var employer = await api.Client.EmployerAsync();
        var (trainer, _) = await api.TrainerReadyForPayoutsAsync();
        var milestoneId = await api.FundedMilestoneAsync(employer, trainer.Id);
        var chargeId = (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("funding").GetProperty("chargeId").GetString()!;
        var (eventId, json) = FakeStripeEvents.Create("charge.dispute.created", api.Fake.OpenDispute(chargeId));

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => api.DeliverRawAsync(json, FakeStripeEvents.Sign(json))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var outcomes = await Task.WhenAll(responses.Select(async r => (await Body(r)).GetProperty("outcome").GetString()));
        Assert.Single(outcomes, o => o == "applied");
        Assert.All(outcomes.Where(o => o != "applied"), o => Assert.Equal("duplicate", o));
        var timeline = (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("timeline").EnumerateArray();
        Assert.Single(timeline, e => e.GetProperty("action").GetString() == "dispute_opened");
        Assert.True(await api.EventRecordedAsync(eventId));
    }

    [Fact]
    public async Task PaymentIntentProcessing_WhenItArrivesAfterSucceeded_LeavesTheMilestoneFunded()
    {
        var (employer, milestoneId, intentId) = await FundingAwaitingAuthenticationAsync();
        var processingSnapshot = api.Fake.Object(intentId);
        processingSnapshot["status"] = "processing";
        processingSnapshot["next_action"] = null;
        var succeeded = api.Fake.SucceedPaymentIntent(intentId);
        var (_, first) = await api.DeliverAsync("payment_intent.succeeded", succeeded);

        var (_, late) = await api.DeliverAsync("payment_intent.processing", processingSnapshot);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal("ignored", (await Body(late)).GetProperty("outcome").GetString());
        var milestone = await api.Client.MilestoneAsync(milestoneId, employer);
        Assert.Equal("active_funded", milestone.GetProperty("status").GetString());
        Assert.Equal(succeeded["latest_charge"]!.GetValue<string>(), milestone.GetProperty("funding").GetProperty("chargeId").GetString());
    }

    [Fact]
    public async Task PaymentIntentPaymentFailed_ForAnOlderAttempt_ChangesNothing()
    {
        // Attempt 1 declined at hire; attempt 2 (another card) waits for 3-D Secure.
        var employer = await api.Client.EmployerAsync("pm_card_chargeDeclined");
        var trainer = await api.Client.TrainerAsync();
        var (status, declined) = await api.HireAsync(employer, trainer.Id);
        Assert.True(status == HttpStatusCode.PaymentRequired, declined.ToString());
        Assert.Equal("generic_decline", declined.GetProperty("declineCode").GetString());
        var milestoneId = declined.GetProperty("milestoneId").GetGuid();
        var firstIntentId = Assert.Single(api.Fake.Objects("payment_intent"), pi => pi["metadata"]?["milestone_id"]?.GetValue<string>() == milestoneId.ToString())["id"]!.GetValue<string>();
        await api.Client.PostJsonAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId = "pm_card_authenticationRequired" }, HttpStatusCode.OK);
        var second = await api.Client.PostJsonAsync($"/api/v1/milestones/{milestoneId}/fund", employer, null, HttpStatusCode.Accepted);
        Assert.Equal("requires_action", second.GetProperty("outcome").GetString());
        var before = await api.Client.MilestoneAsync(milestoneId, employer);

        var (_, response) = await api.DeliverAsync("payment_intent.payment_failed", api.Fake.Object(firstIntentId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await api.Client.MilestoneAsync(milestoneId, employer);
        Assert.Equal("funding", after.GetProperty("status").GetString());
        Assert.Equal(2, after.GetProperty("funding").GetProperty("attempts").GetInt32());
        Assert.Equal(before.GetProperty("funding").GetProperty("paymentIntentId").GetString(), after.GetProperty("funding").GetProperty("paymentIntentId").GetString());
        Assert.Equal(before.GetProperty("funding").GetProperty("clientSecret").GetString(), after.GetProperty("funding").GetProperty("clientSecret").GetString());
        Assert.Equal(before.GetProperty("timeline").GetArrayLength(), after.GetProperty("timeline").GetArrayLength());
    }

    [Fact]
    public async Task ChargeDispute_WhenOpenedOnAFundedMilestone_HoldsThePayoutUntilItIsWon()
    {
        var employer = await api.Client.EmployerAsync();
        var (trainer, _) = await api.TrainerReadyForPayoutsAsync();
        var milestoneId = await api.FundedMilestoneAsync(employer, trainer.Id);
        var chargeId = (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("funding").GetProperty("chargeId").GetString()!;

        var dispute = api.Fake.OpenDispute(chargeId);
        var (_, opened) = await api.DeliverAsync("charge.dispute.created", dispute);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var disputed = await api.Client.MilestoneAsync(milestoneId, employer);
        Assert.True(disputed.GetProperty("disputed").GetBoolean());
        Assert.Equal("active_funded", disputed.GetProperty("status").GetString());

        var approved = await api.Client.PostJsonAsync($"/api/v1/milestones/{milestoneId}/approve", employer, null, HttpStatusCode.OK);
        Assert.Equal("disputed", approved.GetProperty("payout").GetProperty("reason").GetString());
        await api.PayDuePayoutsAsync();
        Assert.Equal("payout_pending", (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("status").GetString());
        Assert.Empty(api.TransfersOf(milestoneId));

        var (_, closed) = await api.DeliverAsync("charge.dispute.closed", api.Fake.CloseDispute(dispute["id"]!.GetValue<string>(), "won"));
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        await api.PayDuePayoutsAsync();

        var paid = await api.Client.MilestoneAsync(milestoneId, employer);
        Assert.False(paid.GetProperty("disputed").GetBoolean());
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        Assert.Single(api.TransfersOf(milestoneId));
    }

    [Fact]
    public async Task ChargeDisputeLost_OnAFundedMilestone_RefundsItAndNothingIsPaidOut()
    {
        var employer = await api.Client.EmployerAsync();
        var (trainer, _) = await api.TrainerReadyForPayoutsAsync();
        var milestoneId = await api.FundedMilestoneAsync(employer, trainer.Id);
        var chargeId = (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("funding").GetProperty("chargeId").GetString()!;
        var dispute = api.Fake.OpenDispute(chargeId);
        await api.DeliverAsync("charge.dispute.created", dispute);

        var (_, closed) = await api.DeliverAsync("charge.dispute.closed", api.Fake.CloseDispute(dispute["id"]!.GetValue<string>(), "lost"));

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("refunded", (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("status").GetString());
        await api.PayDuePayoutsAsync();
        Assert.Empty(api.TransfersOf(milestoneId));
    }

    /// <summary>The card network gave the money back to the employer: releasing it to the trainer pays them from the platform's own balance.</summary>
    [Fact]
    public async Task ChargeDisputeLost_WhenTheMilestoneWasApprovedWhileDisputed_DoesNotPayTheTrainer()
    {
        var employer = await api.Client.EmployerAsync();
        var (trainer, _) = await api.TrainerReadyForPayoutsAsync();
        var milestoneId = await api.FundedMilestoneAsync(employer, trainer.Id);
        var chargeId = (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("funding").GetProperty("chargeId").GetString()!;
        var dispute = api.Fake.OpenDispute(chargeId);
        await api.DeliverAsync("charge.dispute.created", dispute);
        await api.Client.PostJsonAsync($"/api/v1/milestones/{milestoneId}/approve", employer, null, HttpStatusCode.OK);
        await api.PayDuePayoutsAsync();
        Assert.Empty(api.TransfersOf(milestoneId));

        var (_, closed) = await api.DeliverAsync("charge.dispute.closed", api.Fake.CloseDispute(dispute["id"]!.GetValue<string>(), "lost"));
        await api.PayDuePayoutsAsync();

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Empty(api.TransfersOf(milestoneId));
        Assert.NotEqual("paid", (await api.Client.MilestoneAsync(milestoneId, employer)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AccountUpdated_WhenStripeCannotBeAskedAboutTheAccount_AnswersAnErrorAndStoresNothingSoStripeRedelivers()
    {
        var trainer = await api.Client.TrainerAsync();
        var account = await api.Client.PostJsonAsync("/api/v1/payouts/account", trainer, new { country = "US" }, HttpStatusCode.OK);
        var accountId = account.GetProperty("connectedAccountId").GetString()!;
        var (eventId, json) = FakeStripeEvents.Create("account.updated", api.Fake.EnableAccount(accountId), account: accountId);
        api.Fake.FailNext(FakeStripeFailure.ApiError, "GET", $"/v1/accounts/{accountId}");

        var failed = await api.DeliverRawAsync(json, FakeStripeEvents.Sign(json));

        Assert.True((int)failed.StatusCode >= 500, $"{(int)failed.StatusCode}");
        Assert.False(await api.EventRecordedAsync(eventId));
        Assert.Equal("onboarding", (await api.Client.GetJsonAsync("/api/v1/payouts/account", trainer)).GetProperty("status").GetString());

        var redelivered = await api.DeliverRawAsync(json, FakeStripeEvents.Sign(json));

        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        Assert.True(await api.EventRecordedAsync(eventId));
        Assert.Equal("enabled", (await api.Client.GetJsonAsync("/api/v1/payouts/account", trainer)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task UnknownEventType_Answers200AndIsIgnored()
    {
        var (eventId, response) = await api.DeliverAsync("customer.created", FakeStripeObjects.Customer("cus_1FkSomeone", "Ada", "ada@example.test", new JsonObject()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Body(response);
        Assert.Equal("ignored", body.GetProperty("outcome").GetString());
        Assert.Equal(eventId, body.GetProperty("eventId").GetString());
    }

    private int AccountLookups(string accountId) => api.Fake.RequestsTo("GET", $"/v1/accounts/{accountId}").Count;

    private async Task<(Actor Employer, Guid MilestoneId, string PaymentIntentId)> FundingAwaitingAuthenticationAsync()
    {
        var employer = await api.Client.EmployerAsync("pm_card_authenticationRequired");
        var trainer = await api.Client.TrainerAsync();
        var (status, hired) = await api.HireAsync(employer, trainer.Id);
        Assert.True(status == HttpStatusCode.Accepted, hired.ToString());
        Assert.Equal("requires_action", hired.GetProperty("funding").GetProperty("outcome").GetString());
        var milestoneId = hired.GetProperty("funding").GetProperty("milestone").GetProperty("id").GetGuid();
        var milestone = await api.Client.MilestoneAsync(milestoneId, employer);
        Assert.Equal("funding", milestone.GetProperty("status").GetString());
        return (employer, milestoneId, milestone.GetProperty("funding").GetProperty("paymentIntentId").GetString()!);
    }

    private static async Task<JsonElement> Body(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    private static async Task AssertInvalidSignatureAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("invalid_signature", (await Body(response)).GetProperty("code").GetString());
    }
}
