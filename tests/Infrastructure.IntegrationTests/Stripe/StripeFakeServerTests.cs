using OpenTrain.Clean.TestSupport.FakeStripe;
using Stripe;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Stripe;

/// <summary>The fake's own checks have teeth: what it refuses, the gateway tests can rely on it refusing.</summary>
public sealed class StripeFakeServerTests
{
    [Fact]
    public async Task MoneyMovingPost_WithStripeNetsRandomIdempotencyKey_IsRefusedAsNotDerived()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var client = Client(fake);
        var customer = await new CustomerService(client).CreateAsync(new CustomerCreateOptions { Name = "Ada" }, new RequestOptions { IdempotencyKey = "customer-ada" });

        var refused = await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(client).CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1_000,
            Currency = "usd",
            Customer = customer.Id,
            PaymentMethod = "pm_card_visa",
            Confirm = true,
        }));

        Assert.Equal("idempotency_key_not_derived", refused.StripeError.Code);
        Assert.Empty(fake.Objects("payment_intent"));
        Assert.Single(fake.Violations);
    }

    [Fact]
    public async Task Transfer_FromAPaymentIntentIdInsteadOfItsCharge_IsRefused()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var client = Client(fake);
        var account = await new AccountService(client).CreateAsync(
            new AccountCreateOptions { Type = "express", Country = "US", Capabilities = new() { Transfers = new() { Requested = true } } },
            new RequestOptions { IdempotencyKey = "account-1" });
        fake.EnableAccount(account.Id);

        var refused = await Assert.ThrowsAsync<StripeException>(() => new TransferService(client).CreateAsync(
            new TransferCreateOptions { Amount = 100, Currency = "usd", Destination = account.Id, SourceTransaction = "pi_1FkNotACharge" },
            new RequestOptions { IdempotencyKey = "payout-1" }));

        Assert.Equal("source_transaction", refused.StripeError.Param);
        Assert.Empty(fake.Objects("transfer"));
        Assert.Contains(fake.Violations, v => v.Contains("source_transaction", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnyPost_WithAParameterStripeDoesNotKnow_IsRefusedAsUnknown()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var options = new CustomerCreateOptions { Name = "Ada" };
        options.AddExtraParam("payment_method_types[0]", "card");

        var refused = await Assert.ThrowsAsync<StripeException>(() => new CustomerService(Client(fake)).CreateAsync(options, new RequestOptions { IdempotencyKey = "customer-x" }));

        Assert.Equal("parameter_unknown", refused.StripeError.Code);
        Assert.Equal("payment_method_types", refused.StripeError.Param);
    }

    [Fact]
    public async Task SameIdempotencyKey_WithOtherParameters_IsAnIdempotencyError()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var customers = new CustomerService(Client(fake));
        await customers.CreateAsync(new CustomerCreateOptions { Name = "Ada" }, new RequestOptions { IdempotencyKey = "customer-same" });

        var refused = await Assert.ThrowsAsync<StripeException>(() => customers.CreateAsync(new CustomerCreateOptions { Name = "Grace" }, new RequestOptions { IdempotencyKey = "customer-same" }));

        Assert.Equal("idempotency_error", refused.StripeError.Type);
        Assert.Single(fake.Objects("customer"));
    }

    private static StripeClient Client(FakeStripeServer fake) =>
        new(fake.ApiKey, httpClient: new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0), apiBase: fake.Url, connectBase: fake.Url);
}
