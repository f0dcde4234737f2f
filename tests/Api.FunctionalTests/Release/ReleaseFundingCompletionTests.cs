using System.Net;
using System.Text.RegularExpressions;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Release;

/// <summary>The API with a simulated bank debit that settles two minutes after the charge.</summary>
public sealed class ReleaseFundingHost() : ApiFactory(ReleaseHost.HostOptions with
{
    Settings = new Dictionary<string, string?> { ["Payments:SimulatorBankDebitSettleDelay"] = BankDebitSettleDelay.ToString() },
})
{
    public static readonly TimeSpan BankDebitSettleDelay = TimeSpan.FromMinutes(2);
}

public sealed partial class ReleaseFundingCompletionTests(ReleaseFundingHost factory) : IClassFixture<ReleaseFundingHost>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    // Guards: 3-D Secure completed on the simulator's page goes through reconciliation and makes the milestone active_funded.
    [Fact]
    public async Task CompleteAuthentication_WhenCustomerSucceedsOnSimulatorPage_MakesMilestoneActiveFunded()
    {
        var (employer, milestoneId, paymentIntentId) = await HireNeedingAuthenticationAsync();

        var action = await AuthenticationFormActionAsync(paymentIntentId, "succeed");
        var completed = await _api.Http.PostAsync(action, content: null);

        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var milestone = await _api.MilestoneAsync(milestoneId, employer);
        Assert.Equal("active_funded", milestone.GetProperty("status").GetString());
        Assert.StartsWith("ch_", milestone.GetProperty("funding").GetProperty("chargeId").GetString(), StringComparison.Ordinal);
    }

    // Guards: failing 3-D Secure on the simulator's page returns the milestone to not_funded with the reason kept.
    [Fact]
    public async Task CompleteAuthentication_WhenCustomerFailsOnSimulatorPage_LeavesMilestoneNotFundedWithError()
    {
        var (employer, milestoneId, paymentIntentId) = await HireNeedingAuthenticationAsync();

        var action = await AuthenticationFormActionAsync(paymentIntentId, "fail");
        var completed = await _api.Http.PostAsync(action, content: null);

        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var milestone = await _api.MilestoneAsync(milestoneId, employer);
        Assert.Equal("not_funded", milestone.GetProperty("status").GetString());
        Assert.Equal("authentication_failed", milestone.GetProperty("funding").GetProperty("lastError").GetProperty("code").GetString());
    }

    // Guards: a bank debit stays funding until its settle delay passed; then the reconciliation job makes it active_funded.
    [Fact]
    public async Task ReconcileFundings_WhenBankDebitSettleDelayPassed_MakesMilestoneActiveFunded()
    {
        var employer = await _api.EmployerAsync("pm_usBankAccount");
        var trainer = await _api.SignInAsync("trainer");
        var hire = await _api.HireOnNewJobAsync(employer, trainer, expected: HttpStatusCode.Accepted);
        Assert.Equal("processing", hire.Body.GetProperty("funding").GetProperty("outcome").GetString());
        Assert.Equal("funding", hire.Body.GetProperty("funding").GetProperty("milestone").GetProperty("status").GetString());

        factory.Clock.Advance(TimeSpan.FromSeconds(11));
        await factory.RunReconciliationJobAsync();
        var beforeSettling = await _api.MilestoneAsync(hire.MilestoneId, employer);
        factory.Clock.Advance(ReleaseFundingHost.BankDebitSettleDelay);
        await factory.RunReconciliationJobAsync();
        var afterSettling = await _api.MilestoneAsync(hire.MilestoneId, employer);

        Assert.Equal("funding", beforeSettling.GetProperty("status").GetString());
        Assert.Equal("active_funded", afterSettling.GetProperty("status").GetString());
        Assert.Equal(
            beforeSettling.GetProperty("funding").GetProperty("paymentIntentId").GetString(),
            afterSettling.GetProperty("funding").GetProperty("paymentIntentId").GetString());
    }

    private async Task<(Actor Employer, Guid MilestoneId, string PaymentIntentId)> HireNeedingAuthenticationAsync()
    {
        var employer = await _api.EmployerAsync("pm_card_authenticationRequired");
        var trainer = await _api.SignInAsync("trainer");
        var hire = await _api.HireOnNewJobAsync(employer, trainer, expected: HttpStatusCode.Accepted);
        var funding = hire.Body.GetProperty("funding");
        Assert.Equal("requires_action", funding.GetProperty("outcome").GetString());
        Assert.False(string.IsNullOrEmpty(funding.GetProperty("clientSecret").GetString()));
        var milestone = await _api.MilestoneAsync(hire.MilestoneId, employer);
        Assert.Equal("funding", milestone.GetProperty("status").GetString());
        return (employer, hire.MilestoneId, milestone.GetProperty("funding").GetProperty("paymentIntentId").GetString()!);
    }

    /// <summary>Opens the simulator's 3-D Secure page and finds the button for the outcome.</summary>
    private async Task<string> AuthenticationFormActionAsync(string paymentIntentId, string outcome)
    {
        var page = await _api.Http.GetAsync($"/simulator/payments/{paymentIntentId}/authenticate");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var action = FormActions().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups["action"].Value))
            .Single(a => a.EndsWith($"outcome={outcome}", StringComparison.Ordinal));
        return action;
    }

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]+)\"")]
    private static partial Regex FormActions();
}
