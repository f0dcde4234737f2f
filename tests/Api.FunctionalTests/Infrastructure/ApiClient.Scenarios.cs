using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>A hire as the API answered it (201, or 202 while the funding waits).</summary>
public sealed record Hired(Guid JobId, Guid ContractId, Guid MilestoneId, JsonElement Body)
{
    /// <summary>The first milestone's funding invoice (a hire that funded at once has one).</summary>
    public Guid FundingInvoiceId => Body.Id("funding.invoiceId");
}

/// <summary>
/// An employer (paying with pm_card_visa) and a signed-in trainer on one job, with a contract whose
/// first milestone was funded at hire and a second milestone that is not funded yet.
/// </summary>
public sealed record ContractWorld(
    Actor Employer,
    Actor Trainer,
    Guid JobId,
    Guid ContractId,
    Guid FundedMilestoneId,
    Guid UnfundedMilestoneId,
    Guid FundingInvoiceId);

/// <summary>The steps of the product's scenarios, each through the API.</summary>
public sealed partial class ApiClient
{
    public const string JobTitle = "RLHF preference labelling";
    public const string FirstMilestoneTitle = "Batch 1";
    public const string FirstMilestoneDescription = "First 1,000 preference pairs";
    public const long FirstMilestoneAmount = 50_000;

    /// <summary>A dev token (<c>POST /dev/token</c>); the user is not registered until they call the API.</summary>
    public async Task<Actor> TokenAsync(string role, Guid? userId = null, string? name = null, string? email = null)
    {
        var body = await Expect.StatusAsync(await PostAsync("/dev/token", null, new { role, userId, name, email }), HttpStatusCode.OK);
        return new Actor(body.Id("userId"), body.Str("role")!, body.Str("accessToken")!);
    }

    /// <summary>A dev token and a first call (<c>GET /api/v1/me</c>) that registers the profile: a trainer must exist to be hired.</summary>
    public async Task<Actor> SignInAsync(string role, string? name = null, string? email = null, Guid? userId = null)
    {
        var actor = await TokenAsync(role, userId, name, email);
        await Expect.StatusAsync(await GetAsync("/api/v1/me", actor), HttpStatusCode.OK);
        return actor;
    }

    /// <summary>A new employer, signed in, with a default payment method unless <paramref name="paymentMethodId"/> is null.</summary>
    public async Task<Actor> EmployerAsync(string? paymentMethodId = "pm_card_visa", string name = "Ada Employer", string? email = null)
    {
        var employer = await SignInAsync("employer", name, email);
        if (paymentMethodId is not null)
        {
            await AttachPaymentMethodAsync(employer, paymentMethodId);
        }

        return employer;
    }

    /// <summary>A new trainer; signed in so that they can be hired, unless told otherwise.</summary>
    public Task<Actor> TrainerAsync(bool signedIn = true, string name = "Tom Trainer", string? email = null) =>
        signedIn ? SignInAsync("trainer", name, email) : TokenAsync("trainer", name: name, email: email);

    public Task<Actor> AdminAsync() => SignInAsync("admin", "Sam Support");

    public async Task AttachPaymentMethodAsync(Actor employer, string paymentMethodId) =>
        await Expect.StatusAsync(await PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId }), HttpStatusCode.OK);

    public async Task<Guid> CreateJobAsync(Actor employer, string title = JobTitle) =>
        (await Expect.StatusAsync(await PostAsync("/api/v1/jobs", employer, new { title }), HttpStatusCode.Created)).Id();

    public Task<HttpResponseMessage> HireAsync(
        Actor employer, Guid jobId, Actor trainer, long amount = FirstMilestoneAmount, string description = FirstMilestoneDescription, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        return PostAsync(
            $"/api/v1/jobs/{jobId}/contracts",
            employer,
            new { trainerId = trainer.Id, firstMilestone = new { title = FirstMilestoneTitle, description, amount } },
            idempotencyKey);
    }

    /// <summary>A new job and a hire on it that the API answers with <paramref name="expected"/>.</summary>
    public async Task<Hired> HireOnNewJobAsync(
        Actor employer,
        Actor trainer,
        long amount = FirstMilestoneAmount,
        HttpStatusCode expected = HttpStatusCode.Created,
        string jobTitle = JobTitle,
        string description = FirstMilestoneDescription)
    {
        var jobId = await CreateJobAsync(employer, jobTitle);
        var body = await Expect.StatusAsync(await HireAsync(employer, jobId, trainer, amount, description), expected);
        return new Hired(jobId, body.Id("contract.id"), body.Id("funding.milestone.id"), body);
    }

    public async Task<Guid> AddMilestoneAsync(Actor employer, Guid contractId, long amount = 120_000, string title = "Batch 2", string description = "Next 2,000 preference pairs") =>
        (await Expect.StatusAsync(await PostAsync($"/api/v1/contracts/{contractId}/milestones", employer, new { title, description, amount }), HttpStatusCode.Created)).Id();

    public Task<HttpResponseMessage> FundAsync(Actor employer, Guid milestoneId, string? idempotencyKey = null) =>
        PostAsync($"/api/v1/milestones/{milestoneId}/fund", employer, null, idempotencyKey);

    /// <summary>Funds the milestone (200) and returns the answer (the milestone and its funding invoice).</summary>
    public async Task<JsonElement> FundedAsync(Actor employer, Guid milestoneId) =>
        await Expect.StatusAsync(await FundAsync(employer, milestoneId), HttpStatusCode.OK);

    public async Task<JsonElement> SubmittedAsync(Actor trainer, Guid milestoneId) =>
        await PostJsonAsync($"/api/v1/milestones/{milestoneId}/submit", trainer, new { note = "Delivered in the shared bucket" });

    public Task<HttpResponseMessage> ApproveAsync(Actor employer, Guid milestoneId, string? idempotencyKey = null) =>
        PostAsync($"/api/v1/milestones/{milestoneId}/approve", employer, null, idempotencyKey);

    public async Task<JsonElement> ApprovedAsync(Actor employer, Guid milestoneId) =>
        await Expect.StatusAsync(await ApproveAsync(employer, milestoneId), HttpStatusCode.OK);

    /// <summary>Hire, the trainer submits, the employer approves: returns the approved milestone as the employer sees it.</summary>
    public async Task<(Hired Hire, JsonElement Approved)> HireAndApproveAsync(Actor employer, Actor trainer)
    {
        var hire = await HireOnNewJobAsync(employer, trainer);
        await SubmittedAsync(trainer, hire.MilestoneId);
        return (hire, await PostJsonAsync($"/api/v1/milestones/{hire.MilestoneId}/approve", employer));
    }

    public Task<HttpResponseMessage> RefundAsync(Actor caller, Guid milestoneId, string? idempotencyKey = null) =>
        PostAsync($"/api/v1/milestones/{milestoneId}/refund", caller, null, idempotencyKey);

    public Task<JsonElement> MilestoneAsync(Guid milestoneId, Actor actor) => GetJsonAsync($"/api/v1/milestones/{milestoneId}", actor);

    /// <summary>An employer with a contract: a funded first milestone and an unfunded second one.</summary>
    public async Task<ContractWorld> ContractWorldAsync()
    {
        var employer = await EmployerAsync();
        var trainer = await TrainerAsync();
        var hired = await HireOnNewJobAsync(employer, trainer);
        var unfunded = await AddMilestoneAsync(employer, hired.ContractId);
        return new ContractWorld(employer, trainer, hired.JobId, hired.ContractId, hired.MilestoneId, unfunded, hired.FundingInvoiceId);
    }

    /// <summary>Settings -> Payouts: start in a country and get the hosted onboarding link; returns the connected account id and the link.</summary>
    public async Task<(string AccountId, Uri OnboardingLink)> StartPayoutSetupAsync(Actor trainer, string country = "US")
    {
        var account = await PostJsonAsync("/api/v1/payouts/account", trainer, new { country });
        var link = await PostJsonAsync("/api/v1/payouts/account/onboarding-link", trainer);
        return (account.Str("connectedAccountId")!, new Uri(link.Str("url")!));
    }

    /// <summary>Opens the simulator's hosted onboarding page and presses its one button.</summary>
    public async Task CompleteOnboardingOnSimulatorPageAsync(Uri onboardingLink)
    {
        ArgumentNullException.ThrowIfNull(onboardingLink);
        var page = await Http.GetAsync(onboardingLink.PathAndQuery);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var action = FormAction().Match(html);
        Assert.True(action.Success, $"the onboarding page has a form to complete it: {html}");
        var completed = await Http.PostAsync(WebUtility.HtmlDecode(action.Groups["action"].Value), content: null);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
    }

    /// <summary>Payout setup from start to enabled, through the simulator's hosted page; returns the connected account id.</summary>
    public async Task<string> SetUpPayoutsAsync(Actor trainer, string country = "US")
    {
        var (accountId, link) = await StartPayoutSetupAsync(trainer, country);
        Assert.Contains($"/simulator/onboarding/{accountId}", link.ToString(), StringComparison.Ordinal);
        await CompleteOnboardingOnSimulatorPageAsync(link);
        return accountId;
    }

    /// <summary>A trainer whose payout setup is finished on the simulator (the outbox drained), so that approvals are paid out.</summary>
    public async Task<Actor> PayoutReadyTrainerAsync()
    {
        var trainer = await TrainerAsync();
        var account = await PostJsonAsync("/api/v1/payouts/account", trainer, new { country = "US" });
        await host.CompleteOnboardingAsync(account.Str("connectedAccountId")!);
        await host.DrainOutboxAsync();
        return trainer;
    }

    public Task<JsonElement> InvoiceAsync(Actor actor, Guid invoiceId) => GetJsonAsync($"/api/v1/invoices/{invoiceId}", actor);

    /// <summary>The invoices of one milestone that <paramref name="actor"/> may see, oldest number first.</summary>
    public async Task<IReadOnlyList<JsonElement>> InvoicesOfMilestoneAsync(Actor actor, Guid milestoneId) =>
        [.. (await GetJsonAsync($"/api/v1/invoices?milestoneId={milestoneId}&limit=100", actor)).Items().OrderBy(i => i.Str("number"), StringComparer.Ordinal)];

    public Task<HttpResponseMessage> PdfAsync(Actor actor, Guid invoiceId) => GetAsync($"/api/v1/invoices/{invoiceId}/pdf", actor);

    public async Task<byte[]> PdfBytesAsync(Actor actor, Guid invoiceId)
    {
        var response = await PdfAsync(actor, invoiceId);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Fail($"GET /api/v1/invoices/{invoiceId}/pdf: expected 200, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return await response.Content.ReadAsByteArrayAsync();
    }

    public Task<HttpResponseMessage> ReportAsync(Actor actor, string query = "") => GetAsync($"/api/v1/reports/invoices{Query(query)}", actor);

    public async Task<JsonElement> ReportJsonAsync(Actor actor, string query = "") => await Expect.StatusAsync(await ReportAsync(actor, query), HttpStatusCode.OK);

    public Task<HttpResponseMessage> ReportCsvAsync(Actor actor, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reports/invoices{Query(query)}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        return SendAsync(request, actor);
    }

    private static string Query(string query) => query.Length == 0 || query.StartsWith('?') ? query : $"?{query}";

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]+)\"")]
    private static partial Regex FormAction();
}
