using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenTrain.Clean.Api.FunctionalTests.Release;

/// <summary>A signed-in caller: the dev token and the user id it carries.</summary>
public sealed record ReleaseUser(Guid Id, string Token, string Role);

/// <summary>A hire: the contract, its first milestone and the hire's HTTP answer.</summary>
public sealed record ReleaseHire(Guid ContractId, Guid MilestoneId, HttpStatusCode Status, JsonElement Body);

/// <summary>The HTTP side of the release scenarios, as an integrator drives them.</summary>
public sealed partial class ReleaseApi(HttpClient client)
{
    public const long MilestoneAmount = 50_000;

    public HttpClient Client { get; } = client;

    public async Task<ReleaseUser> SignInAsync(string role)
    {
        var token = await ReadAsync(await Client.PostAsJsonAsync("/dev/token", new { role }), HttpStatusCode.OK);
        var user = new ReleaseUser(token.GetProperty("userId").GetGuid(), token.GetProperty("accessToken").GetString()!, role);

        // First sign-in registers the profile (a trainer must exist before being hired).
        await GetAsync("/api/v1/me", user);
        return user;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, ReleaseUser? user, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return Client.SendAsync(request);
    }

    public async Task<JsonElement> GetAsync(string url, ReleaseUser user) =>
        await ReadAsync(await SendAsync(HttpMethod.Get, url, user), HttpStatusCode.OK);

    public async Task<JsonElement> PostAsync(string url, ReleaseUser user, object? body = null, HttpStatusCode expected = HttpStatusCode.OK) =>
        await ReadAsync(await SendAsync(HttpMethod.Post, url, user, body ?? new { }), expected);

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Employer with a payment method, a job, and the trainer hired on it: the first milestone funded at hire.</summary>
    public async Task<ReleaseHire> HireAsync(ReleaseUser employer, ReleaseUser trainer, string paymentMethod = "pm_card_visa", HttpStatusCode expected = HttpStatusCode.Created)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        await PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId = paymentMethod });
        var job = await PostAsync("/api/v1/jobs", employer, new { title = "RLHF preference labelling" }, HttpStatusCode.Created);
        var hire = await PostAsync(
            $"/api/v1/jobs/{job.GetProperty("id").GetGuid()}/contracts",
            employer,
            new { trainerId = trainer.Id, firstMilestone = new { title = "Batch 1", description = "First 1,000 preference pairs", amount = MilestoneAmount } },
            expected);
        return new ReleaseHire(
            hire.GetProperty("contract").GetProperty("id").GetGuid(),
            hire.GetProperty("funding").GetProperty("milestone").GetProperty("id").GetGuid(),
            expected,
            hire);
    }

    /// <summary>Hire, the trainer submits, the employer approves: returns the approved milestone as the employer sees it.</summary>
    public async Task<(ReleaseHire Hire, JsonElement Approved)> HireAndApproveAsync(ReleaseUser employer, ReleaseUser trainer)
    {
        var hire = await HireAsync(employer, trainer);
        await PostAsync($"/api/v1/milestones/{hire.MilestoneId}/submit", trainer, new { note = "Delivered in the shared bucket" });
        var approved = await PostAsync($"/api/v1/milestones/{hire.MilestoneId}/approve", employer);
        return (hire, approved);
    }

    public Task<JsonElement> MilestoneAsync(Guid milestoneId, ReleaseUser user) => GetAsync($"/api/v1/milestones/{milestoneId}", user);

    /// <summary>Settings -> Payouts: start in a country and get the hosted onboarding link; returns the connected account id and the link.</summary>
    public async Task<(string AccountId, Uri OnboardingLink)> StartPayoutSetupAsync(ReleaseUser trainer, string country = "US")
    {
        var account = await PostAsync("/api/v1/payouts/account", trainer, new { country });
        var link = await PostAsync("/api/v1/payouts/account/onboarding-link", trainer);
        return (account.GetProperty("connectedAccountId").GetString()!, new Uri(link.GetProperty("url").GetString()!));
    }

    /// <summary>Opens the simulator's hosted onboarding page and presses its one button.</summary>
    public async Task CompleteOnboardingOnSimulatorPageAsync(Uri onboardingLink)
    {
        ArgumentNullException.ThrowIfNull(onboardingLink);
        var page = await Client.GetAsync(onboardingLink.PathAndQuery);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var action = FormAction().Match(html);
        Assert.True(action.Success, $"the onboarding page has a form to complete it: {html}");
        var completed = await Client.PostAsync(WebUtility.HtmlDecode(action.Groups["action"].Value), content: null);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
    }

    /// <summary>Payout setup from start to enabled, through the simulator's hosted page.</summary>
    public async Task<string> SetUpPayoutsAsync(ReleaseUser trainer)
    {
        var (accountId, link) = await StartPayoutSetupAsync(trainer);
        await CompleteOnboardingOnSimulatorPageAsync(link);
        return accountId;
    }

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]+)\"")]
    private static partial Regex FormAction();
}
