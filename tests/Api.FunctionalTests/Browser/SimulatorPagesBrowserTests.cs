using System.Net;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Api.FunctionalTests.OpenApi;

namespace OpenTrain.Clean.Api.FunctionalTests.Browser;

/// <summary>What tests/browser/hosted-pages.mjs saw: per visit, the page opened and, after a button press, the page landed on.</summary>
public sealed record HostedPagesSeen(
    IReadOnlyList<string> ConsoleErrors,
    IReadOnlyList<string> PageErrors,
    IReadOnlyList<string> FailedRequests,
    IReadOnlyList<HostedPageVisit> Visits)
    : BrowserObservations(ConsoleErrors, PageErrors, FailedRequests);

public sealed record HostedPageVisit(HostedPage Opened, HostedPage? Pressed);

public sealed record HostedPage(int? Status, string Url, string Heading, string Text, IReadOnlyList<string> Buttons);

/// <summary>
/// The payment simulator's hosted pages (issue 3: Connect onboarding and 3-D Secure) used in Chromium
/// as a person would, on a lifecycle set up through the API; the outcome is read back through the API.
/// The links are the ones the API hands out (or the README documents), opened on the API's real port.
/// </summary>
public sealed class SimulatorPagesBrowserTests(LiveApiHost host) : IClassFixture<LiveApiHost>
{
    private const string CompleteOnboarding = "Complete payout setup";
    private const string CompleteAuthentication = "Complete authentication";
    private static readonly TimeSpan JobWait = TimeSpan.FromSeconds(30);

    private readonly Uri _base = host.ListeningAddress;
    private readonly ApiClient _api = new(new HttpClient { BaseAddress = host.ListeningAddress }, host);

    [Fact]
    public async Task OnboardingPage_WhenTrainerCompletesItInChromium_PaysThePayoutThatWaitedForSetup()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var (hire, _) = await _api.HireAndApproveAsync(employer, trainer);
        await MilestoneWhenAsync(hire.MilestoneId, trainer, m => m.Str("payout.reason") == "payout_setup_incomplete", "the payout waits for setup");
        var (_, link) = await _api.StartPayoutSetupAsync(trainer);
        Assert.StartsWith(_base.ToString(), link.ToString(), StringComparison.Ordinal);

        var seen = await BrowserRun.RunAsync<HostedPagesSeen>(
            "hosted-pages.mjs", BrowserRun.FailureDirectory, "onboarding", Visits((link, CompleteOnboarding)));

        var visit = seen.Visits.Single();
        Assert.Equal((int)HttpStatusCode.OK, visit.Opened.Status);
        Assert.Contains(CompleteOnboarding, visit.Opened.Buttons);
        Assert.Equal((int)HttpStatusCode.OK, visit.Pressed!.Status);
        Assert.Equal("Payout setup complete", visit.Pressed.Heading);
        Assert.True(seen.Problems.Length == 0, $"the onboarding pages reported errors in the browser:\n{seen.Problems}");
        var paid = await MilestoneWhenAsync(hire.MilestoneId, trainer, m => m.Str("status") == "paid", "the payout is paid after onboarding");
        Assert.StartsWith("tr_", paid.Str("payout.transferId"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnboardingPage_WhenTheLinksAccountIsTampered_IsRefusedInChromiumAndTheRealLinkStillWorks()
    {
        var trainer = await _api.TrainerAsync();
        var (accountId, link) = await _api.StartPayoutSetupAsync(trainer);
        var tampered = new UriBuilder(link) { Path = link.AbsolutePath.Replace(accountId, Tamper(accountId), StringComparison.Ordinal) }.Uri;

        var seen = await BrowserRun.RunAsync<HostedPagesSeen>(
            "hosted-pages.mjs", BrowserRun.FailureDirectory, "onboarding-tampered", Visits((tampered, null), (link, CompleteOnboarding)));

        AssertRefused(seen.Visits[0].Opened, CompleteOnboarding);
        Assert.Equal("Payout setup complete", seen.Visits[1].Pressed!.Heading);
        var account = await _api.GetJsonAsync("/api/v1/payouts/account", trainer);
        Assert.Equal("enabled", account.Str("status"));
    }

    [Fact]
    public async Task OnboardingPage_WhenTheLinksTokenIsTampered_IsRefusedInChromiumAndTheRealLinkStillWorks()
    {
        var trainer = await _api.TrainerAsync();
        var (_, link) = await _api.StartPayoutSetupAsync(trainer);
        var tampered = WithQueryValueTampered(link, "token");

        var seen = await BrowserRun.RunAsync<HostedPagesSeen>(
            "hosted-pages.mjs", BrowserRun.FailureDirectory, "onboarding-token-tampered", Visits((tampered, null), (link, CompleteOnboarding)));

        AssertRefused(seen.Visits[0].Opened, CompleteOnboarding);
        Assert.Equal("Payout setup complete", seen.Visits[1].Pressed!.Heading);
    }

    [Fact]
    public async Task AuthenticationPage_WhenEmployerConfirmsInChromium_FundsTheMilestone()
    {
        var (employer, milestoneId, link) = await HireNeedingAuthenticationAsync();

        var seen = await BrowserRun.RunAsync<HostedPagesSeen>(
            "hosted-pages.mjs", BrowserRun.FailureDirectory, "authentication", Visits((link, CompleteAuthentication)));

        var visit = seen.Visits.Single();
        Assert.Equal((int)HttpStatusCode.OK, visit.Opened.Status);
        Assert.Contains(CompleteAuthentication, visit.Opened.Buttons);
        Assert.Equal((int)HttpStatusCode.OK, visit.Pressed!.Status);
        Assert.Equal("Authentication finished", visit.Pressed.Heading);
        Assert.True(seen.Problems.Length == 0, $"the 3-D Secure pages reported errors in the browser:\n{seen.Problems}");
        var funded = await MilestoneWhenAsync(milestoneId, employer, m => m.Str("status") == "active_funded", "the milestone is funded after 3-D Secure");
        Assert.StartsWith("ch_", funded.Str("funding.chargeId"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticationPage_WhenThePaymentInTheLinkIsTampered_IsRefusedInChromiumAndNothingIsFunded()
    {
        var (employer, milestoneId, link) = await HireNeedingAuthenticationAsync();
        var paymentIntentId = link.Segments[^2].TrimEnd('/');
        var tampered = new UriBuilder(link) { Path = link.AbsolutePath.Replace(paymentIntentId, Tamper(paymentIntentId), StringComparison.Ordinal) }.Uri;

        var seen = await BrowserRun.RunAsync<HostedPagesSeen>(
            "hosted-pages.mjs", BrowserRun.FailureDirectory, "authentication-tampered", Visits((tampered, null)));

        AssertRefused(seen.Visits[0].Opened, CompleteAuthentication);
        var milestone = await _api.MilestoneAsync(milestoneId, employer);
        Assert.Equal("funding", milestone.Str("status"));
    }

    [Fact]
    public async Task AuthenticationPage_WhenTheLinksClientSecretIsTampered_IsRefusedInChromiumAndNothingIsFunded()
    {
        var (employer, milestoneId, link) = await HireNeedingAuthenticationAsync();

        var seen = await BrowserRun.RunAsync<HostedPagesSeen>(
            "hosted-pages.mjs", BrowserRun.FailureDirectory, "authentication-secret-tampered", Visits((WithQueryValueTampered(link, "client_secret"), null)));

        AssertRefused(seen.Visits[0].Opened, CompleteAuthentication);
        var milestone = await _api.MilestoneAsync(milestoneId, employer);
        Assert.Equal("funding", milestone.Str("status"));
    }

    /// <summary>
    /// A hire funded with the test card that needs 3-D Secure (README: simulator triggers), and the page the
    /// employer is sent to: the payment's authentication page with the client secret only they received.
    /// </summary>
    private async Task<(Actor Employer, Guid MilestoneId, Uri Link)> HireNeedingAuthenticationAsync()
    {
        var employer = await _api.EmployerAsync("pm_card_authenticationRequired");
        var trainer = await _api.TrainerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, trainer, expected: HttpStatusCode.Accepted);
        Assert.Equal("requires_action", hire.Body.Str("funding.outcome"));
        var clientSecret = hire.Body.Str("funding.clientSecret")!;
        var milestone = await _api.MilestoneAsync(hire.MilestoneId, employer);
        Assert.Equal("funding", milestone.Str("status"));
        var paymentIntentId = milestone.Str("funding.paymentIntentId")!;
        var link = new Uri(_base, $"/simulator/payments/{paymentIntentId}/authenticate?client_secret={Uri.EscapeDataString(clientSecret)}");
        return (employer, hire.MilestoneId, link);
    }

    /// <summary>A refused link: an error status and a page without the button that would complete anything.</summary>
    private static void AssertRefused(HostedPage page, string completeButton)
    {
        Assert.True(page.Status is >= 400 and < 500, $"the tampered link {page.Url} answered {page.Status}: {page.Text}");
        Assert.DoesNotContain(completeButton, page.Buttons);
    }

    /// <summary>The link with one character of its <paramref name="name"/> query value changed.</summary>
    private static Uri WithQueryValueTampered(Uri link, string name)
    {
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        Assert.False(string.IsNullOrEmpty(query[name]), $"the link {link} has no {name}");
        query[name] = Tamper(query[name]!);
        return new UriBuilder(link) { Query = query.ToString() }.Uri;
    }

    /// <summary>The same identifier with its last character changed.</summary>
    private static string Tamper(string value) => value[..^1] + (value[^1] == 'x' ? 'y' : 'x');

    private static string Visits(params (Uri Url, string? Press)[] visits) =>
        JsonSerializer.Serialize(visits.Select(v => new { url = v.Url.ToString(), press = v.Press }));

    /// <summary>Reads the milestone until <paramref name="condition"/> holds (the in-process jobs run every second), or fails saying what was awaited.</summary>
    private async Task<JsonElement> MilestoneWhenAsync(Guid milestoneId, Actor actor, Func<JsonElement, bool> condition, string awaited)
    {
        var deadline = DateTimeOffset.UtcNow + JobWait;
        while (true)
        {
            var milestone = await _api.MilestoneAsync(milestoneId, actor);
            if (condition(milestone))
            {
                return milestone;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Waited {JobWait} for this: {awaited}. The milestone: {milestone}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
