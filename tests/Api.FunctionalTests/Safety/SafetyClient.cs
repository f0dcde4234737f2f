using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>A contract whose first milestone was funded at hire.</summary>
public sealed record SafetyHire(Guid JobId, Guid ContractId, Guid MilestoneId);

/// <summary>Calls the API as an integrator does, optionally with an <c>Idempotency-Key</c>.</summary>
public sealed class SafetyClient
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);
    private readonly SafetyApiFactory _factory;

    public SafetyClient(SafetyApiFactory factory, Uri? baseAddress = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factory = factory;
        Http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = baseAddress ?? new Uri("http://localhost") });
    }

    public HttpClient Http { get; }

    public async Task<Actor> TokenAsync(string role, Guid? userId = null)
    {
        var response = await Http.PostAsJsonAsync("/dev/token", new { role, userId, name = $"Safety {role}" }, _json);
        var body = await Expect.StatusAsync(response, HttpStatusCode.OK);
        return new Actor(body.Get("userId").GetGuid(), role, body.Get("accessToken").GetString()!);
    }

    /// <summary>A signed-in employer with a default payment method (none when <paramref name="paymentMethodId"/> is null).</summary>
    public async Task<Actor> EmployerAsync(string? paymentMethodId = "pm_card_visa")
    {
        var employer = await TokenAsync("employer");
        await Expect.StatusAsync(await GetAsync("/api/v1/me", employer), HttpStatusCode.OK);
        if (paymentMethodId is not null)
        {
            await Expect.StatusAsync(await PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId }), HttpStatusCode.OK);
        }

        return employer;
    }

    /// <summary>A trainer who signed in once, so that they can be hired.</summary>
    public async Task<Actor> TrainerAsync()
    {
        var trainer = await TokenAsync("trainer");
        await Expect.StatusAsync(await GetAsync("/api/v1/me", trainer), HttpStatusCode.OK);
        return trainer;
    }

    /// <summary>A trainer whose payout setup is finished, so that approvals are paid out.</summary>
    public async Task<Actor> PayoutReadyTrainerAsync()
    {
        var trainer = await TrainerAsync();
        var account = await Expect.StatusAsync(await PostAsync("/api/v1/payouts/account", trainer, new { country = "US" }), HttpStatusCode.OK);
        await _factory.CompleteOnboardingAsync(account.Str("connectedAccountId")!);
        await _factory.DrainOutboxAsync();
        return trainer;
    }

    public async Task<Guid> CreateJobAsync(Actor employer, string title = "Preference pairs")
    {
        var response = await PostAsync("/api/v1/jobs", employer, new { title });
        return (await Expect.StatusAsync(response, HttpStatusCode.Created)).Id();
    }

    public Task<HttpResponseMessage> HireAsync(Actor employer, Guid jobId, Actor trainer, long amount = 50_000, string? idempotencyKey = null) =>
        PostAsync($"/api/v1/jobs/{jobId}/contracts", employer, new { trainerId = trainer.Id, firstMilestone = new { description = "First 1,000 preference pairs", amount } }, idempotencyKey);

    /// <summary>A new job and a hire on it (its first milestone funded).</summary>
    public async Task<SafetyHire> HireOnNewJobAsync(Actor employer, Actor trainer, long amount = 50_000)
    {
        var jobId = await CreateJobAsync(employer);
        var body = await Expect.StatusAsync(await HireAsync(employer, jobId, trainer, amount), HttpStatusCode.Created);
        return new SafetyHire(jobId, body.Id("contract.id"), body.Id("funding.milestone.id"));
    }

    public async Task<Guid> AddMilestoneAsync(Actor employer, Guid contractId, long amount = 20_000)
    {
        var response = await PostAsync($"/api/v1/contracts/{contractId}/milestones", employer, new { title = "Next batch", description = "Next 500 pairs", amount });
        return (await Expect.StatusAsync(response, HttpStatusCode.Created)).Id();
    }

    public Task<HttpResponseMessage> FundAsync(Actor employer, Guid milestoneId, string? idempotencyKey = null) =>
        PostAsync($"/api/v1/milestones/{milestoneId}/fund", employer, null, idempotencyKey);

    public Task<HttpResponseMessage> ApproveAsync(Actor employer, Guid milestoneId, string? idempotencyKey = null) =>
        PostAsync($"/api/v1/milestones/{milestoneId}/approve", employer, null, idempotencyKey);

    public Task<HttpResponseMessage> GetAsync(string path, Actor? actor) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path), actor, null);

    public Task<HttpResponseMessage> PostAsync(string path, Actor? actor, object? body = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: _json);
        }

        return SendAsync(request, actor, idempotencyKey);
    }

    /// <summary>Sends <paramref name="content"/> byte for byte as JSON.</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, Actor? actor, string content, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(content, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return SendAsync(request, actor, idempotencyKey);
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, Actor? actor, string? idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (actor is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", actor.Token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return Http.SendAsync(request);
    }
}
