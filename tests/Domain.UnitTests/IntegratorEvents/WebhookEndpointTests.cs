using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Domain.UnitTests.IntegratorEvents;

public sealed class WebhookEndpointTests
{
    [Fact]
    public void RecordDeliveryFailed_OnTheTenthInARow_DisablesTheEndpointAndTellsItsOwner()
    {
        var endpoint = NewEndpoint();
        for (var failure = 1; failure < WebhookEndpoint.FailedDeliveriesBeforeDisable; failure++)
        {
            Assert.False(endpoint.RecordDeliveryFailed(Moments.Now.AddMinutes(failure)));
        }

        Assert.Equal(WebhookEndpointStatus.Active, endpoint.Status);
        Assert.Empty(endpoint.DomainEvents);

        Assert.True(endpoint.RecordDeliveryFailed(Moments.Later));

        Assert.Equal(WebhookEndpointStatus.Disabled, endpoint.Status);
        Assert.Equal(Moments.Later, endpoint.DisabledAt);
        Assert.Equal(WebhookEndpointDisabledReason.ConsecutiveFailures, endpoint.DisabledReason);
        var disabled = Assert.IsType<WebhookEndpointDisabled>(Assert.Single(endpoint.DomainEvents));
        Assert.Equal(new WebhookEndpointDisabled(endpoint.Id, Parties.Employer, endpoint.Url, WebhookEndpointDisabledReason.ConsecutiveFailures, Moments.Later), disabled);
    }

    [Fact]
    public void RecordDeliverySucceeded_BetweenFailures_StartsTheCountAgain()
    {
        var endpoint = NewEndpoint();
        for (var failure = 1; failure < WebhookEndpoint.FailedDeliveriesBeforeDisable; failure++)
        {
            endpoint.RecordDeliveryFailed(Moments.Now);
        }

        endpoint.RecordDeliverySucceeded(Moments.Now);
        for (var failure = 1; failure < WebhookEndpoint.FailedDeliveriesBeforeDisable; failure++)
        {
            endpoint.RecordDeliveryFailed(Moments.Later);
        }

        Assert.Equal(WebhookEndpointStatus.Active, endpoint.Status);
        Assert.Equal(WebhookEndpoint.FailedDeliveriesBeforeDisable - 1, endpoint.ConsecutiveFailures);
    }

    [Fact]
    public void Enable_WhenDisabledByFailures_IsActiveWithACleanCount()
    {
        var endpoint = NewEndpoint();
        for (var failure = 1; failure <= WebhookEndpoint.FailedDeliveriesBeforeDisable; failure++)
        {
            endpoint.RecordDeliveryFailed(Moments.Now);
        }

        endpoint.Enable(Moments.Later);

        Assert.Equal(WebhookEndpointStatus.Active, endpoint.Status);
        Assert.Equal(0, endpoint.ConsecutiveFailures);
        Assert.Null(endpoint.DisabledAt);
        Assert.Null(endpoint.DisabledReason);
    }

    [Fact]
    public void Disable_ByTheOwner_RecordsTheReason()
    {
        var endpoint = NewEndpoint();

        endpoint.Disable(Moments.Later);

        Assert.Equal(WebhookEndpointStatus.Disabled, endpoint.Status);
        Assert.Equal(WebhookEndpointDisabledReason.DisabledByOwner, endpoint.DisabledReason);
    }

    [Fact]
    public void SigningSecrets_DuringARollsOverlap_AreTheNewAndThePreviousThenTheNewAlone()
    {
        var endpoint = NewEndpoint();

        endpoint.RollSecret("whsec_new", TimeSpan.FromHours(24), Moments.Now);

        Assert.Equal(["whsec_new", "whsec_first"], endpoint.SigningSecrets(Moments.Now.AddHours(23)));
        Assert.Equal(["whsec_new"], endpoint.SigningSecrets(Moments.Now.AddHours(24)));
        Assert.Equal(Moments.Now.AddHours(24), endpoint.PreviousSecretExpiresAt);
    }

    [Fact]
    public void RollSecret_WithNoOverlap_SignsWithTheNewSecretAlone()
    {
        var endpoint = NewEndpoint();

        endpoint.RollSecret("whsec_new", TimeSpan.Zero, Moments.Now);

        Assert.Equal(["whsec_new"], endpoint.SigningSecrets(Moments.Now));
        Assert.Null(endpoint.PreviousSecret);
    }

    [Fact]
    public void Subscribes_WhenTheTypesIncludeTheStar_TakesEveryTypeAndKeepsOnlyTheStar()
    {
        var endpoint = WebhookEndpoint.Create(Parties.Employer, 1, "https://hooks.example.com/a", ["payout.paid", "*"], null, "whsec_first", Moments.Now);

        Assert.Equal(["*"], endpoint.EventTypes);
        Assert.True(endpoint.Subscribes("invoice.issued"));
    }

    [Fact]
    public void Subscribes_WhenTypesAreNamed_TakesOnlyThose()
    {
        var endpoint = WebhookEndpoint.Create(Parties.Employer, 1, "https://hooks.example.com/a", ["payout.paid", "milestone.funded", "payout.paid"], null, "whsec_first", Moments.Now);

        Assert.Equal(["milestone.funded", "payout.paid"], endpoint.EventTypes);
        Assert.True(endpoint.Subscribes("payout.paid"));
        Assert.False(endpoint.Subscribes("invoice.issued"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(WebhookEndpoint.MaxPerAccount + 1)]
    public void Create_WithASlotOutsideTheLimit_RefusesWithLimitReached(int slot)
    {
        var error = Assert.Throws<DomainException>(() => WebhookEndpoint.Create(Parties.Employer, slot, "https://hooks.example.com/a", ["*"], null, "whsec_first", Moments.Now));

        Assert.Equal(WebhookEndpointErrors.LimitReached, error.Code);
    }

    [Fact]
    public void Create_WithNoEventTypes_RefusesWithEventTypesRequired()
    {
        var error = Assert.Throws<DomainException>(() => WebhookEndpoint.Create(Parties.Employer, 1, "https://hooks.example.com/a", [], null, "whsec_first", Moments.Now));

        Assert.Equal(WebhookEndpointErrors.EventTypesRequired, error.Code);
    }

    private static WebhookEndpoint NewEndpoint() =>
        WebhookEndpoint.Create(Parties.Employer, 1, "https://hooks.example.com/opentrain", ["*"], "Payroll sync", "whsec_first", Moments.Now);
}
