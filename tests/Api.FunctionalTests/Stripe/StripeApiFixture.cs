using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Api.FunctionalTests.Stripe;

[CollectionDefinition(Name)]
public sealed class StripeApiCollection : ICollectionFixture<StripeApiFixture>
{
    public const string Name = "Stripe API";
}

/// <summary>
/// The API with a Stripe test key, talking to a <see cref="FakeStripeServer"/> through the real
/// Stripe adapter; the tests drive the outbox and the payout run themselves.
/// </summary>
public class StripeApiFixture : IAsyncLifetime
{
    public const string AgencyPrice = "price_1FkAgencyMonthly";

    public FakeStripeServer Fake { get; private set; } = null!;

    public ApiFactory Factory { get; private set; } = null!;

    public ApiClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fake = await FakeStripeServer.StartAsync();
        Factory = ApiFactory.Create(Configure(new ApiHostOptions
        {
            StripeServer = Fake,
            Settings = new Dictionary<string, string?> { ["Stripe:Prices:Agency"] = AgencyPrice },
        }));
        Client = Factory.CreateApiClient();
        (await Client.GetAsync("/health/live", null)).EnsureSuccessStatusCode();
    }

    /// <summary>What a derived fixture changes in the host.</summary>
    protected virtual ApiHostOptions Configure(ApiHostOptions options) => options;

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Fake.DisposeAsync();
    }

    /// <summary>A trainer whose payout account exists on Stripe and is enabled (webhook applied, outbox drained).</summary>
    public async Task<(Actor Trainer, string AccountId)> TrainerReadyForPayoutsAsync()
    {
        var trainer = await Client.TrainerAsync();
        var account = await Client.PostJsonAsync("/api/v1/payouts/account", trainer, new { country = "US" });
        var accountId = account.GetProperty("connectedAccountId").GetString()!;
        var (_, response) = await DeliverAsync("account.updated", Fake.EnableAccount(accountId), account: accountId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await DrainOutboxAsync();
        return (trainer, accountId);
    }

    /// <summary>Creates a job and hires the trainer on it; returns the raw answer (201, 202 or a problem).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> HireAsync(Actor employer, Guid trainerId, long amount = 50_000)
    {
        var jobId = await Client.CreateJobAsync(employer, "Label 5,000 RLHF preference pairs");
        return await Client.SendAndReadAsync(HttpMethod.Post, $"/api/v1/jobs/{jobId}/contracts", employer, new
        {
            trainerId,
            firstMilestone = new { description = "First 1,000 preference pairs", amount },
        });
    }

    /// <summary>Hires and expects the first milestone funded; returns the milestone id.</summary>
    public async Task<Guid> FundedMilestoneAsync(Actor employer, Guid trainerId)
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
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        var response = await Client.SendAsync(request, null);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public Task DrainOutboxAsync() => Factory.DrainOutboxAsync();

    /// <summary>What the payout job does: every due payout, now.</summary>
    public async Task<int> PayDuePayoutsAsync()
    {
        await DrainOutboxAsync();
        return await Factory.RunPayoutJobAsync();
    }

    public Task<bool> EventRecordedAsync(string eventId) => Factory.QueryAsync(db => db.Set<ProcessedWebhookEvent>().AnyAsync(e => e.EventId == eventId));

    /// <summary>Stripe's transfers of one milestone (its transfer group).</summary>
    public IReadOnlyList<JsonObject> TransfersOf(Guid milestoneId) =>
        [.. Fake.Objects("transfer").Where(t => t["transfer_group"]?.GetValue<string>() == milestoneId.ToString())];
}
