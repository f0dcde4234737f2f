using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.IntegratorEvents;

/// <summary>Registering, reading, changing and deleting endpoints; the secret and its roll; what is refused.</summary>
public sealed class WebhookEndpointApiTests(IntegratorEventsHost host) : IClassFixture<IntegratorEventsHost>
{
    private readonly ApiClient _api = host.CreateApiClient();

    [Fact]
    public async Task Create_WhenValid_Answers201WithTheSecretOnceAndReadsNeverShowIt()
    {
        var trainer = await _api.TrainerAsync();

        var response = await _api.PostAsync("/api/v1/webhook-endpoints", trainer, new { url = "http://127.0.0.1:9/hooks", eventTypes = new[] { "payout.paid", "invoice.issued" }, description = "Payroll sync" });

        var created = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Matches("^whsec_[A-Za-z0-9_-]{43}$", created.Str("secret"));
        var id = created.Id("webhookEndpoint.id");
        Assert.Equal($"/api/v1/webhook-endpoints/{id}", response.Headers.Location?.OriginalString);
        var read = await _api.EndpointAsync(trainer, id);
        Assert.Equal(("active", "Payroll sync", 0), (read.Str("status"), read.Str("description"), read.Get("consecutiveFailures").GetInt32()));
        Assert.Equal(["invoice.issued", "payout.paid"], read.Items("eventTypes").Select(t => t.GetString()));
        var listed = await _api.GetAsync("/api/v1/webhook-endpoints", trainer);
        Assert.DoesNotContain(created.Str("secret")!, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(read.TryGetProperty("secret", out _));
    }

    [Theory]
    [InlineData("not a url", "url")]
    [InlineData("ftp://127.0.0.1/hooks", "url")]
    [InlineData("http://user:pass@127.0.0.1/hooks", "url")]
    public async Task Create_WithABadUrl_Answers400NamingIt(string url, string field)
    {
        var employer = await _api.EmployerAsync();

        var response = await _api.PostAsync("/api/v1/webhook-endpoints", employer, new { url, eventTypes = new[] { "*" } });

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", field);
    }

    [Fact]
    public async Task Create_WithAnUnknownEventType_Answers400NamingTheCatalog()
    {
        var employer = await _api.EmployerAsync();

        var response = await _api.PostAsync("/api/v1/webhook-endpoints", employer, new { url = "http://127.0.0.1:9/hooks", eventTypes = new[] { "milestone.exploded" } });

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("milestone.funded", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.1.2.3/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://192.168.0.10:8080/hooks")]
    public async Task Create_ForAPrivateAddress_Answers422AndRegistersNothing(string url)
    {
        var employer = await _api.EmployerAsync();

        var response = await _api.PostAsync("/api/v1/webhook-endpoints", employer, new { url, eventTypes = new[] { "*" } });

        await Expect.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "webhook_url_refused", "url");
        Assert.Empty((await _api.GetJsonAsync("/api/v1/webhook-endpoints", employer)).Items());
    }

    [Fact]
    public async Task Create_TheEleventhEndpoint_Answers409AndTheTenthStillWorks()
    {
        var employer = await _api.EmployerAsync();
        for (var i = 0; i < 10; i++)
        {
            await _api.PostJsonAsync("/api/v1/webhook-endpoints", employer, new { url = $"http://127.0.0.1:9/hooks/{i}", eventTypes = new[] { "*" } }, HttpStatusCode.Created);
        }

        var eleventh = await _api.PostAsync("/api/v1/webhook-endpoints", employer, new { url = "http://127.0.0.1:9/hooks/10", eventTypes = new[] { "*" } });

        await Expect.ProblemAsync(eleventh, HttpStatusCode.Conflict, "webhook_endpoint_limit_reached");
        var endpoints = (await _api.GetJsonAsync("/api/v1/webhook-endpoints", employer)).Items();
        Assert.Equal(10, endpoints.Count);
        await Expect.StatusAsync(await _api.SendAsync(HttpMethod.Delete, $"/api/v1/webhook-endpoints/{endpoints[0].Id()}", employer), HttpStatusCode.OK);
        await _api.PostJsonAsync("/api/v1/webhook-endpoints", employer, new { url = "http://127.0.0.1:9/hooks/10", eventTypes = new[] { "*" } }, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Endpoints_OfAnotherAccount_Answer404ToEveryOperation()
    {
        var owner = await _api.EmployerAsync();
        var stranger = await _api.TrainerAsync();
        var id = (await _api.PostJsonAsync("/api/v1/webhook-endpoints", owner, new { url = "http://127.0.0.1:9/hooks", eventTypes = new[] { "*" } }, HttpStatusCode.Created)).Id("webhookEndpoint.id");

        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync($"/api/v1/webhook-endpoints/{id}", stranger)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.PatchAsync($"/api/v1/webhook-endpoints/{id}", stranger, new { status = "disabled" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Delete, $"/api/v1/webhook-endpoints/{id}", stranger)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.PostAsync($"/api/v1/webhook-endpoints/{id}/roll-secret", stranger, new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync($"/api/v1/webhook-endpoints/{id}/deliveries", stranger)).StatusCode);
        Assert.Empty((await _api.GetJsonAsync("/api/v1/webhook-endpoints", stranger)).Items());
        Assert.Equal("active", (await _api.EndpointAsync(owner, id)).Str("status"));
    }

    [Fact]
    public async Task Patch_WhenItNamesMembers_ChangesOnlyThose()
    {
        var employer = await _api.EmployerAsync();
        var id = (await _api.PostJsonAsync("/api/v1/webhook-endpoints", employer, new { url = "http://127.0.0.1:9/a", eventTypes = new[] { "*" }, description = "kept" }, HttpStatusCode.Created)).Id("webhookEndpoint.id");

        var patched = await Expect.StatusAsync(await _api.PatchAsync($"/api/v1/webhook-endpoints/{id}", employer, new { eventTypes = new[] { "milestone.funded" }, status = "disabled" }), HttpStatusCode.OK);

        Assert.Equal(("http://127.0.0.1:9/a", "kept", "disabled", "disabled_by_owner"), (patched.Str("url"), patched.Str("description"), patched.Str("status"), patched.Str("disabledReason")));
        Assert.Equal(["milestone.funded"], patched.Items("eventTypes").Select(t => t.GetString()));
        var refused = await _api.PatchAsync($"/api/v1/webhook-endpoints/{id}", employer, new { url = "http://10.0.0.1/hooks" });
        await Expect.ProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "webhook_url_refused", "url");
        Assert.Equal("http://127.0.0.1:9/a", (await _api.EndpointAsync(employer, id)).Str("url"));
    }

    [Fact]
    public async Task RollSecret_DuringTheOverlap_SignsEachDeliveryWithTheNewAndThePreviousSecret()
    {
        await using var receiver = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        var employer = await _api.EmployerAsync();
        var id = await _api.RegisterAsync(employer, receiver, "contract.created");
        var previous = receiver.Secrets[0];

        var rolled = await _api.PostJsonAsync($"/api/v1/webhook-endpoints/{id}/roll-secret", employer);
        var current = rolled.Str("secret")!;
        receiver.Secrets.Add(current);
        Assert.NotEqual(previous, current);
        Assert.Equal(host.Clock.GetUtcNow().AddHours(24), rolled.Get("webhookEndpoint.previousSecretExpiresAt").GetDateTimeOffset());
        await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());
        await host.DeliverAsync();

        var during = Assert.Single(receiver.Received);
        Assert.Equal([previous, current], during.MatchedSecrets);
        Assert.Equal(2, during.Signature.Split(',').Count(p => p.StartsWith("v1=", StringComparison.Ordinal)));

        await host.AdvanceAndDeliverAsync(TimeSpan.FromHours(24));
        employer = await _api.RefreshedAsync(employer);
        await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());
        await host.DeliverAsync();
        Assert.Equal([current], receiver.Received[^1].MatchedSecrets);
    }
}
