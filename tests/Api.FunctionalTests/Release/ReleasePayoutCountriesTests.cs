using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Release;

/// <summary>The API with payouts offered in three countries only (Payouts:SupportedCountries).</summary>
public sealed class ReleaseCountriesHost() : ApiFactory(ReleaseHost.HostOptions with
{
    Settings = new Dictionary<string, string?>
    {
        ["Payouts:SupportedCountries:0"] = "US",
        ["Payouts:SupportedCountries:1"] = "CA",
        ["Payouts:SupportedCountries:2"] = "GB",
    },
});

public sealed class ReleasePayoutCountriesTests(ReleaseCountriesHost factory) : IClassFixture<ReleaseCountriesHost>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    // Guards: the supported countries come from configuration.
    [Fact]
    public async Task ListCountries_WhenConfigured_ListsTheConfiguredCountries()
    {
        var trainer = await _api.SignInAsync("trainer");

        var countries = await _api.GetJsonAsync("/api/v1/payouts/countries", trainer);

        Assert.Equal(["US", "CA", "GB"], countries.GetProperty("countries").EnumerateArray().Select(c => c.GetString()));
    }

    // Guards: an unsupported country is refused (422 payout_country_unsupported naming the supported ones), nothing created.
    [Fact]
    public async Task StartPayoutAccount_WhenCountryUnsupported_Answers422NamingSupportedCountries()
    {
        var trainer = await _api.SignInAsync("trainer");

        var problem = await _api.PostJsonAsync("/api/v1/payouts/account", trainer, new { country = "DE" }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("payout_country_unsupported", problem.GetProperty("code").GetString());
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("US, CA, GB", detail, StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("country", out _));
        var account = await _api.GetJsonAsync("/api/v1/payouts/account", trainer);
        Assert.Equal("not_started", account.GetProperty("status").GetString());
    }

    // Guards: a supported country starts onboarding on a connected account, payouts not yet enabled.
    [Fact]
    public async Task StartPayoutAccount_WhenCountrySupported_StartsOnboardingWithRequirementsDue()
    {
        var trainer = await _api.SignInAsync("trainer");

        var account = await _api.PostJsonAsync("/api/v1/payouts/account", trainer, new { country = "ca" });

        Assert.Equal("onboarding", account.GetProperty("status").GetString());
        Assert.Equal("CA", account.GetProperty("country").GetString());
        Assert.False(account.GetProperty("payoutsEnabled").GetBoolean());
        Assert.NotEmpty(account.GetProperty("requirementsDue").EnumerateArray());
        Assert.NotNull(factory.Simulator.FindAccount(account.GetProperty("connectedAccountId").GetString()!));
    }

    // Guards: payout setup is the trainer's own — an employer may not start one.
    [Fact]
    public async Task StartPayoutAccount_WhenCallerIsEmployer_Answers403()
    {
        var employer = await _api.SignInAsync("employer");

        var response = await _api.SendAsync(HttpMethod.Post, "/api/v1/payouts/account", employer, new { country = "US" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
