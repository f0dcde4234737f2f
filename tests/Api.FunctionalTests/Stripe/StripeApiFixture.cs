using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mediator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Payouts.Execution;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;
using OpenTrain.Clean.Tests.FakeStripe;

namespace OpenTrain.Clean.Api.FunctionalTests.Stripe;

[CollectionDefinition(Name)]
public sealed class StripeApiCollection : ICollectionFixture<StripeApiFixture>
{
    public const string Name = "Stripe API";
}

/// <summary>
/// The API in Development with a Stripe test key, talking to a <see cref="FakeStripeServer"/>; jobs
/// are not hosted in-process, the tests drive the outbox and the payout run themselves.
/// </summary>
public sealed class StripeApiFixture : IAsyncLifetime
{
    public const string AgencyPrice = "price_1FkAgencyMonthly";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"opentrain-stripe-tests-{Guid.NewGuid():N}");

    public FakeStripeServer Fake { get; private set; } = null!;

    public StripeApiFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fake = await FakeStripeServer.StartAsync();
        Factory = new StripeApiFactory(Fake, _dataDirectory);
        using var client = Factory.CreateClient();
        (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Fake.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    public async Task<StripeApiUser> EmployerAsync(string? name = null) => await UserAsync("employer", name);

    public async Task<StripeApiUser> TrainerAsync(string? name = null) => await UserAsync("trainer", name);

    /// <summary>A trainer whose payout account exists on Stripe and is enabled (webhook applied, outbox drained).</summary>
    public async Task<(StripeApiUser Trainer, string AccountId)> TrainerReadyForPayoutsAsync()
    {
        var trainer = await TrainerAsync();
        var account = await trainer.PostAsync("/api/v1/payouts/account", new { country = "US" }, HttpStatusCode.OK);
        var accountId = account.GetProperty("connectedAccountId").GetString()!;
        var (_, response) = await DeliverAsync("account.updated", Fake.EnableAccount(accountId), account: accountId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await DrainOutboxAsync();
        return (trainer, accountId);
    }

    /// <summary>An employer with a payment method attached (through the API, so through Stripe).</summary>
    public async Task<StripeApiUser> EmployerWithMethodAsync(string paymentMethod = "pm_card_visa")
    {
        var employer = await EmployerAsync();
        await employer.PostAsync("/api/v1/billing/payment-methods", new { paymentMethodId = paymentMethod }, HttpStatusCode.OK);
        return employer;
    }

    /// <summary>Creates a job and hires the trainer on it; returns the raw answer (201, 202 or a problem).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> HireAsync(StripeApiUser employer, Guid trainerId, long amount = 50_000)
    {
        ArgumentNullException.ThrowIfNull(employer);
        var job = await employer.PostAsync("/api/v1/jobs", new { title = "Label 5,000 RLHF preference pairs" }, HttpStatusCode.Created);
        return await employer.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{job.GetProperty("id").GetGuid()}/contracts", new
        {
            trainerId,
            firstMilestone = new { description = "First 1,000 preference pairs", amount },
        });
    }

    /// <summary>Hires and expects the first milestone funded; returns the milestone id.</summary>
    public async Task<Guid> FundedMilestoneAsync(StripeApiUser employer, Guid trainerId)
    {
        var (status, body) = await HireAsync(employer, trainerId);
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("funding").GetProperty("milestone").GetProperty("id").GetGuid();
    }

    /// <summary>Delivers a signed event to POST /webhooks/stripe the way Stripe does.</summary>
    public async Task<(string EventId, HttpResponseMessage Response)> DeliverAsync(string type, JsonObject dataObject, string? eventId = null, string? account = null)
    {
        var (id, json) = FakeStripeEvents.Create(type, dataObject, eventId, account);
        return (id, await DeliverRawAsync(json, FakeStripeEvents.Sign(json)));
    }

    public async Task<HttpResponseMessage> DeliverRawAsync(string json, string? signature)
    {
        using var client = Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/webhooks/stripe", UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public async Task DrainOutboxAsync() =>
        await Factory.Services.GetRequiredService<OutboxDispatcher>().DrainAsync(CancellationToken.None);

    /// <summary>What the payout job does: every due payout, now.</summary>
    public async Task<int> PayDuePayoutsAsync()
    {
        await DrainOutboxAsync();
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new PayDuePayoutsCommand(), CancellationToken.None);
    }

    public async Task<bool> EventRecordedAsync(string eventId)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<ProcessedWebhookEvent>().AnyAsync(e => e.EventId == eventId);
    }

    /// <summary>Stripe's transfers of one milestone (its transfer group).</summary>
    public IReadOnlyList<JsonObject> TransfersOf(Guid milestoneId) =>
        [.. Fake.Objects("transfer").Where(t => t["transfer_group"]?.GetValue<string>() == milestoneId.ToString())];

    private async Task<StripeApiUser> UserAsync(string role, string? name)
    {
        using var anonymous = Factory.CreateClient();
        var token = await (await anonymous.PostAsJsonAsync(new Uri("/dev/token", UriKind.Relative), new { role, name }, StripeApiUser.Json)).Content.ReadFromJsonAsync<JsonElement>();
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        var user = new StripeApiUser(token.GetProperty("userId").GetGuid(), client);
        await user.SendAsync(HttpMethod.Get, "/api/v1/me");
        return user;
    }
}

/// <summary>A signed-in caller of the API.</summary>
public sealed class StripeApiUser(Guid id, HttpClient client)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Guid Id { get; } = id;

    public HttpClient Client { get; } = client;

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }
        else if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, json);
    }

    public async Task<JsonElement> PostAsync(string path, object? body, HttpStatusCode expected)
    {
        var (status, json) = await SendAsync(HttpMethod.Post, path, body);
        Assert.True(status == expected, $"POST {path}: expected {(int)expected}, got {(int)status}: {json}");
        return json;
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        var (status, json) = await SendAsync(HttpMethod.Get, path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status}: {json}");
        return json;
    }

    public Task<JsonElement> MilestoneAsync(Guid milestoneId) => GetAsync($"/api/v1/milestones/{milestoneId}");
}

public sealed class StripeApiFactory(FakeStripeServer fake, string dataDirectory) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Development");
        builder.UseSetting("DataDirectory", dataDirectory);
        builder.UseSetting("Worker:InProcess", "false");
        builder.UseSetting("Stripe:SecretKey", fake.ApiKey);
        builder.UseSetting("Stripe:ApiBase", fake.Url);
        builder.UseSetting("Stripe:ConnectBase", fake.Url);
        builder.UseSetting("Stripe:WebhookSecrets:0", FakeStripeEvents.Secret);
        builder.UseSetting("Stripe:Prices:Agency", StripeApiFixture.AgencyPrice);
        builder.UseSetting("Stripe:Timeout", TimeSpan.FromSeconds(5).ToString("c", CultureInfo.InvariantCulture));

        // Stripe.net's own retries would hide an adapter that sends a call twice or without our key.
        builder.UseSetting("Stripe:MaxNetworkRetries", "0");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
