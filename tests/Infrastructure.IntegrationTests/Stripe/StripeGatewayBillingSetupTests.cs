using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Stripe;

/// <summary>Customer per employer, payment methods by id or through a SetupIntent.</summary>
public sealed class StripeGatewayBillingSetupTests
{
    [Fact]
    public async Task EnsureCustomerAsync_WhenCalled_CreatesCustomerWithEmployerMetadataAndDerivedKey()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var employer = new UserId(Guid.CreateVersion7());

        var customerId = await stripe.Gateway.EnsureCustomerAsync(new CustomerRequest(employer, "Ada Employer", "ada@example.test"), CancellationToken.None);

        var call = Assert.Single(fake.RequestsTo("POST", "/v1/customers"));
        Assert.Equal(200, call.Status);
        Assert.Equal(fake.ApiKey, call.ApiKey);
        Assert.Equal("2026-10-28.endive", call.StripeVersion);
        Assert.Equal($"customer-{employer.Value:N}", call.IdempotencyKey);
        Assert.Equal("Ada Employer", call.Field("name"));
        Assert.Equal("ada@example.test", call.Field("email"));
        Assert.Equal(employer.Value.ToString(), call.Field("metadata[employer_id]"));
        Assert.StartsWith("cus_", customerId, StringComparison.Ordinal);
        Assert.Equal(customerId, fake.Object(customerId)["id"]!.GetValue<string>());
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task EnsureCustomerAsync_WhenRepeatedForTheSameEmployer_CreatesOneCustomer()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var request = new CustomerRequest(new UserId(Guid.CreateVersion7()), "Ada Employer", "ada@example.test");

        var first = await stripe.Gateway.EnsureCustomerAsync(request, CancellationToken.None);
        var second = await stripe.Gateway.EnsureCustomerAsync(request, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Single(fake.Objects("customer"));
        Assert.True(fake.RequestsTo("POST", "/v1/customers")[1].Replayed);
    }

    [Fact]
    public async Task EnsureCustomerAsync_WhenEmailIsEmpty_SendsNoEmail()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);

        await stripe.Gateway.EnsureCustomerAsync(new CustomerRequest(new UserId(Guid.CreateVersion7()), "Ada Employer", string.Empty), CancellationToken.None);

        Assert.Null(Assert.Single(fake.Requests).Field("email"));
    }

    [Fact]
    public async Task AnyCall_WhenTheApiKeyIsWrong_IsRefusedAndReportedAsProviderFailure()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake, apiKey: "sk_test_someone_elses_key_000000000000");

        await Assert.ThrowsAsync<PaymentProviderException>(() =>
            stripe.Gateway.EnsureCustomerAsync(new CustomerRequest(new UserId(Guid.CreateVersion7()), "Ada", "ada@example.test"), CancellationToken.None));

        Assert.Equal(401, Assert.Single(fake.Requests).Status);
        Assert.Contains(fake.Violations, v => v.Contains("Invalid API Key", StringComparison.Ordinal));
        Assert.Empty(fake.Objects("customer"));
    }

    [Fact]
    public async Task AttachPaymentMethodAsync_WhenCard_AttachesMakesDefaultAndReadsBrandAndLast4()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var customerId = await stripe.Gateway.EnsureCustomerAsync(new CustomerRequest(new UserId(Guid.CreateVersion7()), "Ada", "ada@example.test"), CancellationToken.None);

        var method = await stripe.Gateway.AttachPaymentMethodAsync(customerId, "pm_card_visa", CancellationToken.None);

        var attach = Assert.Single(fake.RequestsTo("POST", "/v1/payment_methods/pm_card_visa/attach"));
        Assert.Equal(customerId, attach.Field("customer"));
        Assert.Equal($"attach-{customerId}-pm_card_visa", attach.IdempotencyKey);

        // Stripe's test id stands for a card number: the attached PaymentMethod has an id of its own, and that one is the default.
        Assert.NotEqual("pm_card_visa", method.ProviderId);
        var update = Assert.Single(fake.RequestsTo("POST", $"/v1/customers/{customerId}"));
        Assert.Equal(method.ProviderId, update.Field("invoice_settings[default_payment_method]"));
        Assert.Equal($"default-pm-{customerId}-{method.ProviderId}", update.IdempotencyKey);
        Assert.Equal(method.ProviderId, fake.Object(customerId)["invoice_settings"]!["default_payment_method"]!.GetValue<string>());
        Assert.Equal(new PaymentMethodSummary(method.ProviderId, PaymentMethodType.Card, "visa", "4242"), method);
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task AttachPaymentMethodAsync_WhenUsBankAccount_ReadsBankNameAndLast4()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);

        var (_, method) = await stripe.CustomerWithMethodAsync("pm_usBankAccount");

        Assert.Equal(PaymentMethodType.UsBankAccount, method.Type);
        Assert.Equal("STRIPE TEST BANK", method.Brand);
        Assert.Equal("6789", method.Last4);
    }

    [Fact]
    public async Task AttachPaymentMethodAsync_WhenStripeDoesNotKnowTheId_ThrowsRejectedWithStripesCode()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var customerId = await stripe.Gateway.EnsureCustomerAsync(new CustomerRequest(new UserId(Guid.CreateVersion7()), "Ada", "ada@example.test"), CancellationToken.None);

        var rejected = await Assert.ThrowsAsync<PaymentMethodRejectedException>(() =>
            stripe.Gateway.AttachPaymentMethodAsync(customerId, "pm_does_not_exist", CancellationToken.None));

        Assert.Equal("resource_missing", rejected.Code);
        Assert.Contains("pm_does_not_exist", rejected.Message, StringComparison.Ordinal);
        Assert.Empty(fake.RequestsTo("POST", $"/v1/customers/{customerId}"));
    }

    [Fact]
    public async Task CreateSetupIntentAsync_WhenCalled_ReturnsClientSecretForCardOrBankAccountOffSession()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var customerId = await stripe.Gateway.EnsureCustomerAsync(new CustomerRequest(new UserId(Guid.CreateVersion7()), "Ada", "ada@example.test"), CancellationToken.None);

        var secret = await stripe.Gateway.CreateSetupIntentAsync(customerId, CancellationToken.None);

        var call = Assert.Single(fake.RequestsTo("POST", "/v1/setup_intents"));
        Assert.Equal(200, call.Status);
        Assert.Equal(customerId, call.Field("customer"));
        Assert.Equal("card", call.Field("allowed_payment_method_types[0]"));
        Assert.Equal("us_bank_account", call.Field("allowed_payment_method_types[1]"));
        Assert.Equal("off_session", call.Field("usage"));
        var intent = Assert.Single(fake.Objects("setup_intent"));
        Assert.Equal(intent["client_secret"]!.GetValue<string>(), secret);
        Assert.StartsWith("seti_", secret, StringComparison.Ordinal);
        Assert.Empty(fake.Violations);
    }
}
