using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Stripe;

/// <summary>Agency and recruiting plans: a Stripe Subscription on the configured price.</summary>
public sealed class StripeGatewaySubscriptionTests
{
    [Fact]
    public async Task CreateSubscriptionAsync_WhenTheDefaultCardPays_SubscribesToTheConfiguredPriceAndIsActive()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, _) = await stripe.CustomerWithMethodAsync();

        var result = await stripe.Gateway.CreateSubscriptionAsync(new SubscriptionRequest(customerId, BillingPlan.Agency, "subscribe-e1-agency-0"), CancellationToken.None);

        var call = Assert.Single(fake.RequestsTo("POST", "/v1/subscriptions"));
        Assert.Equal(200, call.Status);
        Assert.Equal("subscribe-e1-agency-0", call.IdempotencyKey);
        Assert.Equal(customerId, call.Field("customer"));
        Assert.Equal(StripeTestGateway.AgencyPrice, call.Field("items[0][price]"));
        Assert.Equal("allow_incomplete", call.Field("payment_behavior"));
        Assert.Equal("agency", call.Field("metadata[plan]"));
        var subscription = Assert.Single(fake.Objects("subscription"));
        Assert.Equal(new SubscriptionResult(subscription["id"]!.GetValue<string>(), SubscriptionStatus.Active), result);
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task CreateSubscriptionAsync_WhenTheFirstPaymentIsIncomplete_ReportsIncomplete()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, _) = await stripe.CustomerWithMethodAsync("pm_card_authenticationRequired");

        var result = await stripe.Gateway.CreateSubscriptionAsync(new SubscriptionRequest(customerId, BillingPlan.Agency, "subscribe-e2-agency-0"), CancellationToken.None);

        Assert.Equal(SubscriptionStatus.Incomplete, result.Status);
    }

    [Fact]
    public async Task CreateSubscriptionAsync_WhenThePlanHasNoConfiguredPrice_RefusesWithoutCallingStripe()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, _) = await stripe.CustomerWithMethodAsync();
        var mark = fake.LastSequence;

        var refused = await Assert.ThrowsAsync<PaymentProviderException>(() =>
            stripe.Gateway.CreateSubscriptionAsync(new SubscriptionRequest(customerId, BillingPlan.Recruiting, "subscribe-e3-recruiting-0"), CancellationToken.None));

        Assert.Contains("Stripe:Prices:Recruiting", refused.Message, StringComparison.Ordinal);
        Assert.Empty(fake.RequestsSince(mark));
    }

    [Fact]
    public async Task CancelSubscriptionAsync_WhenActive_DeletesItAndReportsCanceled()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, _) = await stripe.CustomerWithMethodAsync();
        var created = await stripe.Gateway.CreateSubscriptionAsync(new SubscriptionRequest(customerId, BillingPlan.Agency, "subscribe-e4-agency-0"), CancellationToken.None);

        var result = await stripe.Gateway.CancelSubscriptionAsync(created.SubscriptionId, CancellationToken.None);

        Assert.Equal(200, Assert.Single(fake.RequestsTo("DELETE", $"/v1/subscriptions/{created.SubscriptionId}")).Status);
        Assert.Equal(new SubscriptionResult(created.SubscriptionId, SubscriptionStatus.Canceled), result);
    }
}
