using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>A hire as the API answered it: the first milestone was funded at hire.</summary>
public sealed record InvoicingHire(Guid JobId, Guid ContractId, Guid MilestoneId, Guid FundingInvoiceId, JsonElement Body);

/// <summary>The HTTP side of the invoicing scenarios, as an integrator drives them.</summary>
public sealed class InvoicingApi(HttpClient http)
{
    public const string JobTitle = "RLHF preference labelling";
    public const string FirstDescription = "First 1,000 preference pairs";

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public HttpClient Http { get; } = http;

    public async Task<Actor> TokenAsync(string role, string? name = null, string? email = null, Guid? userId = null)
    {
        var response = await SendAsync(HttpMethod.Post, "/dev/token", null, new { role, name, email, userId });
        var body = await Expect.StatusAsync(response, HttpStatusCode.OK);
        var actor = new Actor(body.Id("userId"), body.Str("role")!, body.Str("accessToken")!);

        // The first call registers the profile (name and e-mail from the token): a trainer must exist to be hired.
        await Expect.StatusAsync(await GetAsync("/api/v1/me", actor), HttpStatusCode.OK);
        return actor;
    }

    public async Task<Actor> EmployerAsync(string name = "Ada Employer", string? paymentMethodId = "pm_card_visa", string? email = null)
    {
        var employer = await TokenAsync("employer", name, email);
        if (paymentMethodId is not null)
        {
            await AttachPaymentMethodAsync(employer, paymentMethodId);
        }

        return employer;
    }

    public Task<Actor> TrainerAsync(string name = "Tom Trainer", string? email = null) => TokenAsync("trainer", name, email);

    public Task<Actor> AdminAsync() => TokenAsync("admin", "Sam Support");

    public async Task AttachPaymentMethodAsync(Actor employer, string paymentMethodId) =>
        await Expect.StatusAsync(await PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId }), HttpStatusCode.OK);

    public async Task<Guid> CreateJobAsync(Actor employer, string title = JobTitle) =>
        (await Expect.StatusAsync(await PostAsync("/api/v1/jobs", employer, new { title }), HttpStatusCode.Created)).Id();

    public Task<HttpResponseMessage> SendHireAsync(Actor employer, Guid jobId, Actor trainer, long amount = 50_000, string description = FirstDescription) =>
        PostAsync($"/api/v1/jobs/{jobId}/contracts", employer, new { trainerId = trainer.Id, firstMilestone = new { title = "Batch 1", description, amount } });

    /// <summary>A new job with <paramref name="title"/> and a hire on it whose first milestone is funded (201).</summary>
    public async Task<InvoicingHire> HireAsync(Actor employer, Actor trainer, string title = JobTitle, long amount = 50_000, string description = FirstDescription)
    {
        var jobId = await CreateJobAsync(employer, title);
        var body = await Expect.StatusAsync(await SendHireAsync(employer, jobId, trainer, amount, description), HttpStatusCode.Created);
        return new InvoicingHire(jobId, body.Id("contract.id"), body.Id("funding.milestone.id"), body.Id("funding.invoiceId"), body);
    }

    public async Task<Guid> AddMilestoneAsync(Actor employer, Guid contractId, long amount = 120_000, string description = "Next 2,000 preference pairs", string title = "Batch 2") =>
        (await Expect.StatusAsync(await PostAsync($"/api/v1/contracts/{contractId}/milestones", employer, new { title, description, amount }), HttpStatusCode.Created)).Id();

    public Task<HttpResponseMessage> SendFundAsync(Actor employer, Guid milestoneId) => PostAsync($"/api/v1/milestones/{milestoneId}/fund", employer);

    /// <summary>Funds the milestone (200) and returns the funding invoice's id.</summary>
    public async Task<Guid> FundAsync(Actor employer, Guid milestoneId) =>
        (await Expect.StatusAsync(await SendFundAsync(employer, milestoneId), HttpStatusCode.OK)).Id("invoiceId");

    public async Task<JsonElement> SubmitAsync(Actor trainer, Guid milestoneId) =>
        await Expect.StatusAsync(await PostAsync($"/api/v1/milestones/{milestoneId}/submit", trainer, new { note = "Delivered in the shared bucket" }), HttpStatusCode.OK);

    public async Task<JsonElement> ApproveAsync(Actor employer, Guid milestoneId) =>
        await Expect.StatusAsync(await PostAsync($"/api/v1/milestones/{milestoneId}/approve", employer), HttpStatusCode.OK);

    public Task<HttpResponseMessage> RefundAsync(Actor caller, Guid milestoneId, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/milestones/{milestoneId}/refund");
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return SendAsync(request, caller);
    }

    /// <summary>Settings -> Payouts in the US and the simulator's hosted onboarding completed: payouts enabled.</summary>
    public async Task<string> EnablePayoutsAsync(Actor trainer)
    {
        var account = await Expect.StatusAsync(await PostAsync("/api/v1/payouts/account", trainer, new { country = "US" }), HttpStatusCode.OK);
        var link = await Expect.StatusAsync(await PostAsync("/api/v1/payouts/account/onboarding-link", trainer), HttpStatusCode.OK);
        var accountId = account.Str("connectedAccountId")!;
        var url = new Uri(link.Str("url")!);
        Assert.Equal($"/simulator/onboarding/{accountId}", url.AbsolutePath);
        var completed = await Http.PostAsync(new Uri($"{url.AbsolutePath}/complete{url.Query}", UriKind.Relative), content: null);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        return accountId;
    }

    public async Task<JsonElement> GetJsonAsync(string path, Actor actor, HttpStatusCode expected = HttpStatusCode.OK) =>
        await Expect.StatusAsync(await GetAsync(path, actor), expected);

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

    public Task<HttpResponseMessage> GetAsync(string path, Actor? actor) => SendAsync(HttpMethod.Get, path, actor);

    public Task<HttpResponseMessage> PostAsync(string path, Actor? actor, object? body = null) => SendAsync(HttpMethod.Post, path, actor, body);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Actor? actor, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: _json);
        }

        return SendAsync(request, actor);
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, Actor? actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (actor is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", actor.Token);
        }

        return Http.SendAsync(request);
    }

    private static string Query(string query) => query.Length == 0 || query.StartsWith('?') ? query : $"?{query}";
}
