using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>Somebody holding a bearer token.</summary>
public sealed record Actor(Guid Id, string Role, string Token);

/// <summary>A hire as the API answered it.</summary>
public sealed record Hired(Guid JobId, Guid ContractId, Guid MilestoneId, JsonElement Body);

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

/// <summary>Calls the API the way an integrator does: JSON over HTTP with a bearer token.</summary>
public sealed class ApiClient
{
    public const string FirstMilestoneDescription = "First 1,000 preference pairs";

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public ApiClient(ApiFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    }

    public async Task<Actor> TokenAsync(string role, Guid? userId = null, string? name = null)
    {
        var response = await SendAsync(HttpMethod.Post, "/dev/token", null, new { role, userId, name });
        var body = await Expect.StatusAsync(response, HttpStatusCode.OK);
        return new Actor(body.Get("userId").GetGuid(), body.Get("role").GetString()!, body.Get("accessToken").GetString()!);
    }

    /// <summary>A new employer, signed in, with a default payment method unless <paramref name="paymentMethodId"/> is null.</summary>
    public async Task<Actor> EmployerAsync(string? paymentMethodId = "pm_card_visa")
    {
        var employer = await TokenAsync("employer", name: "Ada Employer");
        await Expect.StatusAsync(await GetAsync("/api/v1/me", employer), HttpStatusCode.OK);
        if (paymentMethodId is not null)
        {
            await AttachPaymentMethodAsync(employer, paymentMethodId);
        }

        return employer;
    }

    /// <summary>A new trainer; signed in (GET /api/v1/me) so that they can be hired, unless told otherwise.</summary>
    public async Task<Actor> TrainerAsync(bool signedIn = true)
    {
        var trainer = await TokenAsync("trainer", name: "Tom Trainer");
        if (signedIn)
        {
            await Expect.StatusAsync(await GetAsync("/api/v1/me", trainer), HttpStatusCode.OK);
        }

        return trainer;
    }

    public async Task AttachPaymentMethodAsync(Actor employer, string paymentMethodId)
    {
        var response = await PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId });
        await Expect.StatusAsync(response, HttpStatusCode.OK);
    }

    public async Task<Guid> CreateJobAsync(Actor employer, string title = "RLHF preference labelling")
    {
        var response = await PostAsync("/api/v1/jobs", employer, new { title });
        return (await Expect.StatusAsync(response, HttpStatusCode.Created)).Get("id").GetGuid();
    }

    public Task<HttpResponseMessage> HireAsync(Actor employer, Guid jobId, Actor trainer, long amount = 50_000, string description = FirstMilestoneDescription) =>
        PostAsync($"/api/v1/jobs/{jobId}/contracts", employer, new { trainerId = trainer.Id, firstMilestone = new { description, amount } });

    /// <summary>A new job and a hire on it that the API answers with <paramref name="expected"/>.</summary>
    public async Task<Hired> HireOnNewJobAsync(Actor employer, Actor trainer, long amount = 50_000, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var jobId = await CreateJobAsync(employer);
        var body = await Expect.StatusAsync(await HireAsync(employer, jobId, trainer, amount), expected);
        return new Hired(jobId, body.Get("contract.id").GetGuid(), body.Get("funding.milestone.id").GetGuid(), body);
    }

    public async Task<Guid> AddMilestoneAsync(Actor employer, Guid contractId, long amount = 120_000, string title = "Batch 2", string description = "Next 2,000 preference pairs")
    {
        var response = await PostAsync($"/api/v1/contracts/{contractId}/milestones", employer, new { title, description, amount });
        return (await Expect.StatusAsync(response, HttpStatusCode.Created)).Get("id").GetGuid();
    }

    public async Task<JsonElement> FundAsync(Actor employer, Guid milestoneId) =>
        await Expect.StatusAsync(await PostAsync($"/api/v1/milestones/{milestoneId}/fund", employer), HttpStatusCode.OK);

    public async Task<ContractWorld> ContractWorldAsync()
    {
        var employer = await EmployerAsync();
        var trainer = await TrainerAsync();
        var hired = await HireOnNewJobAsync(employer, trainer);
        var unfunded = await AddMilestoneAsync(employer, hired.ContractId);
        return new ContractWorld(employer, trainer, hired.JobId, hired.ContractId, hired.MilestoneId, unfunded, hired.Body.Get("funding.invoiceId").GetGuid());
    }

    public Task<HttpResponseMessage> GetAsync(string path, Actor? actor) => SendAsync(HttpMethod.Get, path, actor);

    public Task<HttpResponseMessage> PostAsync(string path, Actor? actor, object? body = null) => SendAsync(HttpMethod.Post, path, actor, body);

    public Task<HttpResponseMessage> PatchAsync(string path, Actor? actor, object? body) => SendAsync(HttpMethod.Patch, path, actor, body);

    /// <summary>Sends <paramref name="body"/> as JSON (camelCase); no body at all when it is null.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Actor? actor, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: _json);
        }

        return SendAsync(request, actor?.Token);
    }

    /// <summary>Sends <paramref name="content"/> byte for byte, for bodies no serializer would write.</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, Actor? actor, string content, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(content, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = contentType.StartsWith("application/json", StringComparison.Ordinal) ? "utf-8" : null };
        return SendAsync(request, actor?.Token);
    }

    /// <summary>Sends a request built by the caller (extra headers), with the actor's token.</summary>
    public Task<HttpResponseMessage> SendRequestAsync(HttpRequestMessage request, Actor? actor) => SendAsync(request, actor?.Token);

    /// <summary>Sends any content, bytes included.</summary>
    public Task<HttpResponseMessage> SendContentAsync(HttpMethod method, string path, Actor? actor, HttpContent content) =>
        SendAsync(new HttpRequestMessage(method, path) { Content = content }, actor?.Token);

    /// <summary>Sends with whatever Authorization value is given (null: none), to test authentication itself.</summary>
    public Task<HttpResponseMessage> SendWithAuthorizationAsync(HttpMethod method, string path, string? authorization)
    {
        var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return _http.SendAsync(request);
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return _http.SendAsync(request);
    }
}
