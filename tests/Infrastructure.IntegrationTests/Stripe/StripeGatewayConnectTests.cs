using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Stripe;

/// <summary>Trainer onboarding: an Express connected account with transfers requested, hosted onboarding links, status read back.</summary>
public sealed class StripeGatewayConnectTests
{
    [Fact]
    public async Task CreateConnectedAccountAsync_WhenInThePlatformsCountry_CreatesExpressAccountRequestingTransfers()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var trainer = new UserId(Guid.CreateVersion7());

        var accountId = await stripe.Gateway.CreateConnectedAccountAsync(new ConnectedAccountRequest(trainer, "US", "trainer@example.test", $"account-{trainer.Value:N}"), CancellationToken.None);

        var call = Assert.Single(fake.RequestsTo("POST", "/v1/accounts"));
        Assert.Equal(200, call.Status);
        Assert.Equal($"account-{trainer.Value:N}", call.IdempotencyKey);
        Assert.Equal("express", call.Field("type"));
        Assert.Equal("US", call.Field("country"));
        Assert.Equal("trainer@example.test", call.Field("email"));
        Assert.Equal("true", call.Field("capabilities[transfers][requested]"));
        Assert.Equal(trainer.Value.ToString(), call.Field("metadata[trainer_id]"));
        Assert.Null(call.Field("tos_acceptance[service_agreement]"));
        Assert.StartsWith("acct_", accountId, StringComparison.Ordinal);
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task CreateConnectedAccountAsync_WhenAbroad_UsesTheRecipientServiceAgreement()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var trainer = new UserId(Guid.CreateVersion7());

        await stripe.Gateway.CreateConnectedAccountAsync(new ConnectedAccountRequest(trainer, "DE", "trainer@example.test", $"account-{trainer.Value:N}"), CancellationToken.None);

        var call = Assert.Single(fake.RequestsTo("POST", "/v1/accounts"));
        Assert.Equal("DE", call.Field("country"));
        Assert.Equal("recipient", call.Field("tos_acceptance[service_agreement]"));
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task CreateConnectedAccountAsync_WhenRepeated_CreatesOneAccount()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var trainer = new UserId(Guid.CreateVersion7());
        var request = new ConnectedAccountRequest(trainer, "US", "trainer@example.test", $"account-{trainer.Value:N}");

        var first = await stripe.Gateway.CreateConnectedAccountAsync(request, CancellationToken.None);
        var second = await stripe.Gateway.CreateConnectedAccountAsync(request, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Single(fake.Objects("account"));
    }

    [Fact]
    public async Task GetConnectedAccountAsync_WhenOnboardingIsUnfinished_ReportsNotEnabledWithRequirementsDue()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var accountId = await stripe.ConnectedAccountAsync(fake, enabled: false);

        var status = await stripe.Gateway.GetConnectedAccountAsync(accountId, CancellationToken.None);

        Assert.Single(fake.RequestsTo("GET", $"/v1/accounts/{accountId}"));
        Assert.Equal(accountId, status.Id);
        Assert.False(status.PayoutsEnabled);
        Assert.False(status.TransfersActive);
        Assert.False(status.DetailsSubmitted);
        Assert.Contains("external_account", status.RequirementsDue);
    }

    [Fact]
    public async Task GetConnectedAccountAsync_WhenOnboardingIsDone_ReportsPayoutsAndTransfersEnabled()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var accountId = await stripe.ConnectedAccountAsync(fake, enabled: true);

        var status = await stripe.Gateway.GetConnectedAccountAsync(accountId, CancellationToken.None);

        Assert.Equal(new ConnectedAccountStatus(accountId, true, true, true, []), status with { RequirementsDue = [] });
        Assert.Empty(status.RequirementsDue);
    }

    [Fact]
    public async Task CreateOnboardingLinkAsync_WhenCalledTwice_MintsAFreshAccountOnboardingLinkWithConfiguredUrls()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var accountId = await stripe.ConnectedAccountAsync(fake, enabled: false);

        var first = await stripe.Gateway.CreateOnboardingLinkAsync(accountId, CancellationToken.None);
        var second = await stripe.Gateway.CreateOnboardingLinkAsync(accountId, CancellationToken.None);

        var calls = fake.RequestsTo("POST", "/v1/account_links");
        Assert.Equal(2, calls.Count);
        Assert.All(calls, call =>
        {
            Assert.Equal(200, call.Status);
            Assert.Equal(accountId, call.Field("account"));
            Assert.Equal("account_onboarding", call.Field("type"));
            Assert.Equal(stripe.Options.ConnectRefreshUrl, call.Field("refresh_url"));
            Assert.Equal(stripe.Options.ConnectReturnUrl, call.Field("return_url"));
        });
        Assert.False(calls[1].Replayed);
        Assert.NotEqual(first, second);
        Assert.StartsWith("https://connect.stripe.com/", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetConnectedAccountAsync_WhenStripeDoesNotKnowTheAccount_ThrowsProviderException()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);

        await Assert.ThrowsAsync<PaymentProviderException>(() => stripe.Gateway.GetConnectedAccountAsync("acct_missing", CancellationToken.None));

        Assert.Equal(404, Assert.Single(fake.Requests).Status);
    }
}
