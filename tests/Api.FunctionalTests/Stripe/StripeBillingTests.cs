using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Api.FunctionalTests.Stripe;

/// <summary>Agency plan: a Stripe Subscription gates funding; its invoices are the employer's, billed as subscription.</summary>
[Collection(StripeApiCollection.Name)]
public sealed class StripeSubscriptionTests(StripeApiFixture api)
{
    [Fact]
    public async Task AgencyPlan_FromSubscribingThroughWebhooksToFunding_GatesFundingAndListsTheSubscriptionInvoice()
    {
        var employer = await api.Client.EmployerAsync();
        var trainer = await api.Client.TrainerAsync();

        // Stripe answers incomplete (the first invoice is not paid yet).
        api.Fake.NextSubscriptionStatus = "incomplete";
        System.Text.Json.JsonElement subscribed;
        try
        {
            subscribed = await api.Client.PostJsonAsync("/api/v1/billing/subscription", employer, new { plan = "agency" }, HttpStatusCode.OK);
        }
        finally
        {
            api.Fake.NextSubscriptionStatus = null;
        }

        Assert.Equal("agency", subscribed.GetProperty("plan").GetString());
        Assert.Equal("incomplete", subscribed.GetProperty("status").GetString());
        var subscriptionId = subscribed.GetProperty("subscriptionId").GetString()!;
        var create = Assert.Single(api.Fake.Requests, r => r.Is("POST", "/v1/subscriptions") && r.Succeeded && api.Fake.Object(subscriptionId)["customer"]!.GetValue<string>() == r.Field("customer"));
        Assert.Equal(StripeApiFixture.AgencyPrice, create.Field("items[0][price]"));
        Assert.StartsWith($"subscribe-{employer.Id:N}-agency-", create.IdempotencyKey, StringComparison.Ordinal);

        // While the subscription is not active the employer cannot fund: nothing is created, Stripe is not asked.
        var intentsBefore = api.Fake.Objects("payment_intent").Count;
        var (refusedStatus, refused) = await api.HireAsync(employer, trainer.Id);
        Assert.True(refusedStatus == HttpStatusCode.Conflict, refused.ToString());
        Assert.Equal("subscription_required", refused.GetProperty("code").GetString());
        Assert.Equal(intentsBefore, api.Fake.Objects("payment_intent").Count);

        // Stripe: the first invoice is paid, the subscription becomes active.
        var (_, updated) = await api.DeliverAsync("customer.subscription.updated", api.Fake.SetSubscriptionStatus(subscriptionId, "active"));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var (_, paid) = await api.DeliverAsync("invoice.paid", api.Fake.SettleLatestInvoice(subscriptionId));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);

        var subscription = await api.Client.GetJsonAsync("/api/v1/billing/subscription", employer);
        Assert.Equal("active", subscription.GetProperty("status").GetString());
        var invoices = (await api.Client.GetJsonAsync("/api/v1/invoices?kind=subscription", employer)).GetProperty("data").EnumerateArray().ToList();
        var invoice = Assert.Single(invoices);
        Assert.Equal("subscription", invoice.GetProperty("billingType").GetString());
        Assert.Equal("paid", invoice.GetProperty("paymentStatus").GetString());
        Assert.Equal(4_900, invoice.GetProperty("total").GetInt64());
        Assert.Equal(api.Fake.Object(subscriptionId)["latest_invoice"]!.GetValue<string>(), invoice.GetProperty("paymentReference").GetString());

        // Now funding goes through.
        var (hiredStatus, hired) = await api.HireAsync(employer, trainer.Id);
        Assert.True(hiredStatus == HttpStatusCode.Created, hired.ToString());
    }

    [Fact]
    public async Task InvoicePaid_WhenDeliveredTwice_ListsOneSubscriptionInvoice()
    {
        var employer = await api.Client.EmployerAsync();
        var subscribed = await api.Client.PostJsonAsync("/api/v1/billing/subscription", employer, new { plan = "agency" }, HttpStatusCode.OK);
        var subscriptionId = subscribed.GetProperty("subscriptionId").GetString()!;
        var invoice = api.Fake.SettleLatestInvoice(subscriptionId);

        await api.DeliverAsync("invoice.paid", invoice);
        await api.DeliverAsync("invoice.paid", invoice);

        Assert.Single((await api.Client.GetJsonAsync("/api/v1/invoices?kind=subscription", employer)).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task CancelSubscription_WhenActive_CancelsOnStripeAndFundingIsRefusedAfterwards()
    {
        var employer = await api.Client.EmployerAsync();
        var trainer = await api.Client.TrainerAsync();
        var subscribed = await api.Client.PostJsonAsync("/api/v1/billing/subscription", employer, new { plan = "agency" }, HttpStatusCode.OK);
        Assert.Equal("active", subscribed.GetProperty("status").GetString());
        var subscriptionId = subscribed.GetProperty("subscriptionId").GetString()!;
        var (hiredStatus, hired) = await api.HireAsync(employer, trainer.Id);
        Assert.True(hiredStatus == HttpStatusCode.Created, hired.ToString());
        var contractId = hired.GetProperty("contract").GetProperty("id").GetGuid();

        var (status, canceled) = await api.Client.SendAndReadAsync(HttpMethod.Delete, "/api/v1/billing/subscription", employer);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("canceled", canceled.GetProperty("status").GetString());
        Assert.Equal("canceled", api.Fake.Object(subscriptionId)["status"]!.GetValue<string>());
        var next = await api.Client.PostJsonAsync($"/api/v1/contracts/{contractId}/milestones", employer, new { description = "Second 1,000 pairs", amount = 40_000 }, HttpStatusCode.Created);
        var intentsBefore = api.Fake.Objects("payment_intent").Count;
        var (fundStatus, refused) = await api.Client.SendAndReadAsync(HttpMethod.Post, $"/api/v1/milestones/{next.GetProperty("id").GetGuid()}/fund", employer);
        Assert.Equal(HttpStatusCode.Conflict, fundStatus);
        Assert.Equal("subscription_required", refused.GetProperty("code").GetString());
        Assert.Equal(intentsBefore, api.Fake.Objects("payment_intent").Count);
        Assert.Equal("not_funded", (await api.Client.MilestoneAsync(next.GetProperty("id").GetGuid(), employer)).GetProperty("status").GetString());
    }

    /// <summary>customer.subscription.created (incomplete) and .updated (active) are sent together; Stripe does not order them.</summary>
    [Fact]
    public async Task SubscriptionCreated_WhenItArrivesAfterUpdatedToActive_LeavesTheSubscriptionActive()
    {
        var employer = await api.Client.EmployerAsync();
        api.Fake.NextSubscriptionStatus = "incomplete";
        System.Text.Json.JsonElement subscribed;
        try
        {
            subscribed = await api.Client.PostJsonAsync("/api/v1/billing/subscription", employer, new { plan = "agency" }, HttpStatusCode.OK);
        }
        finally
        {
            api.Fake.NextSubscriptionStatus = null;
        }

        var subscriptionId = subscribed.GetProperty("subscriptionId").GetString()!;
        var createdSnapshot = api.Fake.Object(subscriptionId);
        await api.DeliverAsync("customer.subscription.updated", api.Fake.SetSubscriptionStatus(subscriptionId, "active"));
        Assert.Equal("active", (await api.Client.GetJsonAsync("/api/v1/billing/subscription", employer)).GetProperty("status").GetString());

        var (_, late) = await api.DeliverAsync("customer.subscription.created", createdSnapshot);

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal("active", (await api.Client.GetJsonAsync("/api/v1/billing/subscription", employer)).GetProperty("status").GetString());
    }
}

/// <summary>Settings -> Billing and Settings -> Payouts routes, on Stripe.</summary>
[Collection(StripeApiCollection.Name)]
public sealed class StripeBillingRoutesTests(StripeApiFixture api)
{
    [Fact]
    public async Task AttachPaymentMethod_WithACardId_ShowsTheDefaultCardReadFromStripe()
    {
        var employer = await api.Client.EmployerAsync(paymentMethodId: null);

        var billing = await api.Client.PostJsonAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId = "pm_card_mastercard" }, HttpStatusCode.OK);

        var customerId = billing.GetProperty("customerId").GetString()!;
        var method = billing.GetProperty("defaultPaymentMethod");
        Assert.Equal("card", method.GetProperty("type").GetString());
        Assert.Equal("mastercard", method.GetProperty("brand").GetString());
        Assert.Equal("4444", method.GetProperty("last4").GetString());
        Assert.Equal(method.GetProperty("id").GetString(), api.Fake.Object(customerId)["invoice_settings"]!["default_payment_method"]!.GetValue<string>());
    }

    [Fact]
    public async Task AttachPaymentMethod_WhenStripeDoesNotKnowTheId_Answers422PaymentMethodInvalid()
    {
        var employer = await api.Client.EmployerAsync(paymentMethodId: null);

        var (status, problem) = await api.Client.SendAndReadAsync(HttpMethod.Post, "/api/v1/billing/payment-methods", employer, new { paymentMethodId = "pm_unknown_to_stripe" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("payment_method_invalid", problem.GetProperty("code").GetString());
        Assert.Equal("resource_missing", problem.GetProperty("providerCode").GetString());
    }

    [Fact]
    public async Task SetupIntent_ForStripeJs_ReturnsTheSetupIntentsClientSecret()
    {
        var employer = await api.Client.EmployerAsync(paymentMethodId: null);

        var setup = await api.Client.PostJsonAsync("/api/v1/billing/setup-intents", employer, null, HttpStatusCode.OK);

        var secret = setup.GetProperty("clientSecret").GetString();
        var customerId = setup.GetProperty("customerId").GetString();
        var intent = Assert.Single(api.Fake.Objects("setup_intent"), s => s["client_secret"]!.GetValue<string>() == secret);
        Assert.Equal(customerId, intent["customer"]!.GetValue<string>());
    }

    [Fact]
    public async Task OnboardingLink_ForAStartedPayoutAccount_IsAStripeAccountLink()
    {
        var trainer = await api.Client.TrainerAsync();
        var account = await api.Client.PostJsonAsync("/api/v1/payouts/account", trainer, new { country = "US" }, HttpStatusCode.OK);
        var accountId = account.GetProperty("connectedAccountId").GetString()!;

        var link = await api.Client.PostJsonAsync("/api/v1/payouts/account/onboarding-link", trainer, null, HttpStatusCode.OK);

        Assert.StartsWith($"https://connect.stripe.com/setup/e/{accountId}/", link.GetProperty("url").GetString(), StringComparison.Ordinal);
        var call = api.Fake.Requests.Last(r => r.Is("POST", "/v1/account_links"));
        Assert.Equal(accountId, call.Field("account"));
        Assert.Equal("account_onboarding", call.Field("type"));
    }
}
