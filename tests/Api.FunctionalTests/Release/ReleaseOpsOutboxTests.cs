using System.Net;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Api.FunctionalTests.Release;

/// <summary>The API with an outbox that parks a message at its first failure (Outbox:MaxAttempts = 1).</summary>
public sealed class ReleaseParkingHost() : ApiFactory(ReleaseHost.HostOptions with { Settings = new Dictionary<string, string?> { ["Outbox:MaxAttempts"] = "1" } })
{
    /// <summary>A message no handler can read, written as the interceptor would, then dispatched once: parked.</summary>
    public async Task<Guid> ParkUnreadableMessageAsync()
    {
        var id = Guid.CreateVersion7();
        var now = Clock.GetUtcNow();
        await QueryAsync(async db =>
        {
            db.OutboxMessages.Add(new OutboxMessage
            {
                Id = id,
                Type = "ReleaseEventNobodyKnows",
                Payload = "{}",
                OccurredAt = now,
                Status = OutboxStatus.Pending,
                NextAttemptAt = now,
            });
            return await db.SaveChangesAsync();
        });
        await DrainOutboxAsync();
        return id;
    }
}

public sealed class ReleaseOpsOutboxTests(ReleaseParkingHost factory) : IClassFixture<ReleaseParkingHost>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    // Guards: a message that keeps failing is parked and visible to operators, with its error; not among the pending.
    [Fact]
    public async Task ListOutbox_WhenMessageParked_ShowsItToAdminWithAttemptsAndLastError()
    {
        var admin = await _api.SignInAsync("admin");
        var id = await factory.ParkUnreadableMessageAsync();

        var parked = await _api.GetJsonAsync("/api/v1/ops/outbox?status=parked", admin);
        var pending = await _api.GetJsonAsync("/api/v1/ops/outbox?status=pending", admin);

        var message = Assert.Single(parked.EnumerateArray(), m => m.GetProperty("id").GetGuid() == id);
        Assert.Equal("parked", message.GetProperty("status").GetString());
        Assert.Equal("ReleaseEventNobodyKnows", message.GetProperty("type").GetString());
        Assert.Equal(1, message.GetProperty("attempts").GetInt32());
        Assert.Contains("ReleaseEventNobodyKnows", message.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(pending.EnumerateArray(), m => m.GetProperty("id").GetGuid() == id);
    }

    // Guards: an admin's retry puts a parked message back in the queue, due now — and the dispatcher really tries it again.
    [Fact]
    public async Task RetryOutbox_WhenMessageParked_PutsItBackPendingAndTheDispatcherTriesItAgain()
    {
        var admin = await _api.SignInAsync("admin");
        var id = await factory.ParkUnreadableMessageAsync();

        var retried = await _api.PostJsonAsync($"/api/v1/ops/outbox/{id}/retry", admin);

        Assert.Equal("pending", retried.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, retried.GetProperty("lockedBy").ValueKind);
        Assert.True(retried.GetProperty("nextAttemptAt").GetDateTimeOffset() <= factory.Clock.GetUtcNow());
        var pending = await _api.GetJsonAsync("/api/v1/ops/outbox?status=pending", admin);
        Assert.Contains(pending.EnumerateArray(), m => m.GetProperty("id").GetGuid() == id);

        await factory.DrainOutboxAsync();

        var parkedAgain = await _api.GetJsonAsync("/api/v1/ops/outbox?status=parked", admin);
        var message = Assert.Single(parkedAgain.EnumerateArray(), m => m.GetProperty("id").GetGuid() == id);
        Assert.Equal(2, message.GetProperty("attempts").GetInt32());
    }

    // Guards: the ops routes are admin-only.
    [Theory]
    [InlineData("employer")]
    [InlineData("trainer")]
    public async Task OpsOutbox_WhenCallerIsNotAdmin_Answers403(string role)
    {
        var caller = await _api.SignInAsync(role);
        var id = await factory.ParkUnreadableMessageAsync();

        var list = await _api.SendAsync(HttpMethod.Get, "/api/v1/ops/outbox?status=parked", caller);
        var retry = await _api.SendAsync(HttpMethod.Post, $"/api/v1/ops/outbox/{id}/retry", caller, new { });

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, retry.StatusCode);
        var admin = await _api.SignInAsync("admin");
        var parked = await _api.GetJsonAsync("/api/v1/ops/outbox?status=parked", admin);
        Assert.Contains(parked.EnumerateArray(), m => m.GetProperty("id").GetGuid() == id && m.GetProperty("status").GetString() == "parked");
    }

    // Guards: retrying a message that does not exist is a 404, not a silent success.
    [Fact]
    public async Task RetryOutbox_WhenMessageUnknown_Answers404()
    {
        var admin = await _api.SignInAsync("admin");

        var response = await _api.SendAsync(HttpMethod.Post, $"/api/v1/ops/outbox/{Guid.CreateVersion7()}/retry", admin, new { });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
