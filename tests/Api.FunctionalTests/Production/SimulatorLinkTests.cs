using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;

namespace OpenTrain.Clean.Api.FunctionalTests.Production;

/// <summary>
/// The simulator's hosted pages act only for whoever holds the link: the onboarding link's token
/// (single use, ten minutes) or the payment's client secret that only the employer received.
/// </summary>
public sealed class SimulatorLinkTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Theory]
    [InlineData("")]
    [InlineData("?token=guessed0123456789abcdefghijklmno")]
    public async Task CompleteOnboarding_WithoutTheLinksToken_IsRefusedAndThePayoutAccountStaysUnfinished(string query)
    {
        var (_, accountId, _) = await StartOnboardingAsync();

        var page = await _api.GetAsync($"/simulator/onboarding/{accountId}{query}", null);
        var complete = await _api.PostAsync($"/simulator/onboarding/{accountId}/complete{query}", null);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, complete.StatusCode);
        Assert.False(Simulator.FindAccount(accountId)!.PayoutsEnabled);
    }

    [Fact]
    public async Task CompleteOnboarding_WithAnotherAccountsToken_IsRefused()
    {
        var (_, victim, _) = await StartOnboardingAsync();
        var (_, _, attackersLink) = await StartOnboardingAsync();

        var complete = await _api.PostAsync($"/simulator/onboarding/{victim}/complete{attackersLink.Query}", null);

        Assert.Equal(HttpStatusCode.NotFound, complete.StatusCode);
        Assert.False(Simulator.FindAccount(victim)!.PayoutsEnabled);
    }

    [Fact]
    public async Task CompleteOnboarding_WithTheLinksToken_EnablesPayoutsAndTheLinkCannotBeUsedAgain()
    {
        var (trainer, accountId, link) = await StartOnboardingAsync();

        var first = await _api.PostAsync($"{link.AbsolutePath}/complete{link.Query}", null);
        var again = await _api.PostAsync($"{link.AbsolutePath}/complete{link.Query}", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.True(Simulator.FindAccount(accountId)!.PayoutsEnabled);
        var account = await Expect.StatusAsync(await _api.GetAsync("/api/v1/payouts/account", trainer), HttpStatusCode.OK);
        Assert.Equal("enabled", account.Str("status"));
    }

    [Fact]
    public async Task CompleteOnboarding_AfterTheLinkExpired_IsRefused()
    {
        var (_, accountId, link) = await StartOnboardingAsync();
        factory.Clock.Advance(PaymentSimulator.OnboardingLinkLifetime + TimeSpan.FromSeconds(1));

        var complete = await _api.PostAsync($"{link.AbsolutePath}/complete{link.Query}", null);

        Assert.Equal(HttpStatusCode.NotFound, complete.StatusCode);
        Assert.False(Simulator.FindAccount(accountId)!.PayoutsEnabled);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("pi_guess_secret_0123456789ab")]
    public async Task CompleteAuthentication_WithoutThePaymentsClientSecret_IsRefusedAndTheMilestoneStaysFunding(string? clientSecret)
    {
        var employer = await _api.EmployerAsync("pm_card_authenticationRequired");
        var hired = await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync(), expected: HttpStatusCode.Accepted);
        var intent = hired.Body.Str("funding.milestone.funding.paymentIntentId")!;
        var query = clientSecret is null ? string.Empty : $"client_secret={clientSecret}&";

        var page = await _api.GetAsync($"/simulator/payments/{intent}/authenticate?{query}", null);
        var complete = await _api.PostAsync($"/simulator/payments/{intent}/complete?{query}outcome=succeed", null);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, complete.StatusCode);
        Assert.Equal(MilestoneStatus.Funding, (await factory.LoadMilestoneAsync(hired.MilestoneId)).Status);
        Assert.Equal("requires_action", Simulator.FindPaymentIntent(intent)!.Status);
    }

    private PaymentSimulator Simulator => (PaymentSimulator)factory.Services.GetService(typeof(PaymentSimulator))!;

    private async Task<(Actor Trainer, string AccountId, Uri Link)> StartOnboardingAsync()
    {
        var trainer = await _api.TrainerAsync();
        var account = await Expect.StatusAsync(await _api.PostAsync("/api/v1/payouts/account", trainer, new { country = "US" }), HttpStatusCode.OK);
        var link = await Expect.StatusAsync(await _api.PostAsync("/api/v1/payouts/account/onboarding-link", trainer), HttpStatusCode.OK);
        return (trainer, account.Str("connectedAccountId")!, new Uri(link.Str("url")!));
    }
}
