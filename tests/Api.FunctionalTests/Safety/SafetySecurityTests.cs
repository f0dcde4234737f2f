using System.Net;
using System.Text.RegularExpressions;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Api.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>Issue 6 §7: security headers, the production start-up checks, HTTPS and HSTS, CORS, and no secret in the logs.</summary>
public sealed partial class SafetySecurityTests(SafetyFixture fixture) : IClassFixture<SafetyFixture>
{
    private const string ProductionKey = "a-production-signing-key-that-is-not-published-0123456789";
    private const string Dashboard = "https://dashboard.example";

    // Guards: HttpHardening's header middleware (nosniff, DENY, no-store on /api) on answers that no exception produced.
    [Theory]
    [InlineData("200 read")]
    [InlineData("401 no token")]
    public async Task ApiResponse_CarriesTheSecurityHeaders(string kind) => AssertSecurityHeaders(await SendAsync(kind));

    // Guards: the same headers on problem responses that come from an exception (not found, state refusals, validation, malformed JSON).
    [Theory]
    [InlineData("404 not yours")]
    [InlineData("409 refused move")]
    [InlineData("400 validation")]
    [InlineData("400 malformed")]
    public async Task ProblemResponseFromAnException_CarriesTheSecurityHeaders(string kind) => AssertSecurityHeaders(await SendAsync(kind));

    // Guards: Authentication.AddBearerAuthentication's refusal of the published Development key outside Development.
    [Fact]
    public void ProductionHost_WithTheDevelopmentSigningKey_RefusesToStart()
    {
        using var factory = Production(AuthOptions.DevelopmentSigningKey);

        var exception = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("published Development key", exception.ToString(), StringComparison.Ordinal);
    }

    // Guards: the same start-up check for a missing key (appsettings.json ships an empty one).
    [Fact]
    public void ProductionHost_WithoutASigningKey_RefusesToStart()
    {
        using var factory = Production(string.Empty);

        var exception = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Auth:SigningKey must be set", exception.ToString(), StringComparison.Ordinal);
    }

    // Guards: UseHttpsRedirection and UseHsts outside Development.
    [Fact]
    public async Task ProductionHost_WithAProperKey_RedirectsHttpToHttpsAndSendsHstsOverHttps()
    {
        using var factory = Production(ProductionKey, new Dictionary<string, string?> { ["https_port"] = "443" });
        var http = factory.CreateApiClient().Http;
        var https = factory.CreateApiClient(new Uri("https://api.opentrain.example")).Http;

        var redirected = await http.GetAsync(new Uri("/api/v1/me", UriKind.Relative));
        var secure = await https.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/me")
        {
            Headers = { Authorization = new("Bearer", Tokens.Create(Guid.NewGuid().ToString(), "employer", signingKey: ProductionKey)) },
        });
        var devToken = await https.PostAsync(new Uri("/dev/token", UriKind.Relative), new StringContent("{\"role\":\"admin\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
        Assert.Equal("https", redirected.Headers.Location?.Scheme);
        await Expect.StatusAsync(secure, HttpStatusCode.OK);
        Assert.StartsWith("max-age=31536000", Single(secure, "Strict-Transport-Security"), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, devToken.StatusCode);
    }

    // Guards: the CORS policy is closed unless Cors:AllowedOrigins lists origins.
    [Fact]
    public async Task Cors_ByDefault_AllowsNoOrigin()
    {
        var api = fixture.Factory.CreateApiClient();

        var preflight = await api.Http.SendAsync(Preflight(Dashboard));
        var simple = await api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health/live") { Headers = { { "Origin", Dashboard } } });

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(simple.Headers.Contains("Access-Control-Allow-Origin"));
    }

    // Guards: the CORS policy opens for the configured frontends only.
    [Fact]
    public async Task Cors_WithAConfiguredOrigin_AllowsThatOriginOnly()
    {
        using var factory = ApiFactory.Create(SafetyHost.HostOptions with { Settings = new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = Dashboard } });
        var api = factory.CreateApiClient();

        var allowed = await api.Http.SendAsync(Preflight(Dashboard));
        var refused = await api.Http.SendAsync(Preflight("https://evil.example"));

        Assert.Equal(Dashboard, Single(allowed, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Single(allowed, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    // Guards: nothing in the request path logs bearer tokens, the signing key, webhook secrets, client secrets or card numbers (every level, every category).
    [Fact]
    public async Task Logs_DuringAFullHireFundApprovePayFlow_ContainNoSecret()
    {
        const string webhookSecret = "whsec_safety_0123456789abcdefghijklmnopqrstuv";
        using var factory = ApiFactory.Create(SafetyHost.HostOptions with { Settings = new Dictionary<string, string?> { ["Stripe:WebhookSecrets:0"] = webhookSecret } });
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.PayoutReadyTrainerAsync();
        var hire = await api.HireOnNewJobAsync(employer, trainer);
        var second = await api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000);
        await Expect.StatusAsync(await api.FundAsync(employer, second), HttpStatusCode.OK);
        await Expect.StatusAsync(await api.PostAsync($"/api/v1/milestones/{second}/submit", trainer, new { note = "Delivered" }), HttpStatusCode.OK);
        await Expect.StatusAsync(await api.ApproveAsync(employer, second), HttpStatusCode.OK);
        await factory.RunPayoutJobAsync();
        await factory.DrainOutboxAsync();
        Assert.Equal(Domain.Milestones.MilestoneStatus.Paid, (await factory.LoadMilestoneAsync(second)).Status);

        // A 3-D Secure funding hands out a client secret, and a tampered token is refused.
        var secureEmployer = await api.EmployerAsync("pm_card_authenticationRequired");
        var pending = await Expect.StatusAsync(await api.HireAsync(secureEmployer, await api.CreateJobAsync(secureEmployer), trainer), HttpStatusCode.Accepted);
        var clientSecret = pending.Str("funding.clientSecret")!;
        var tampered = employer.Token[..^4] + "AAAA";
        await Expect.StatusAsync(await api.GetAsync("/api/v1/me", employer with { Token = tampered }), HttpStatusCode.Unauthorized);
        await factory.DrainOutboxAsync();

        var logs = string.Join('\n', factory.Logs.Lines);
        Assert.True(factory.Logs.Lines.Count > 50, "the capture must see the host's logging");
        foreach (var (name, secret) in new[]
        {
            ("employer token", employer.Token), ("trainer token", trainer.Token), ("tampered token", tampered),
            ("token signature", employer.Token.Split('.')[2]), ("signing key", AuthOptions.DevelopmentSigningKey),
            ("webhook secret", webhookSecret), ("client secret", clientSecret),
        })
        {
            Assert.False(logs.Contains(secret, StringComparison.Ordinal), $"the {name} appears in the logs");
        }

        Assert.False(ContainsCardNumber(logs), "a card number appears in the logs");
    }

    // Guards: card data redaction: a card number sent where a payment method id belongs must not reach the logs through the provider's error message.
    [Fact]
    public async Task Logs_WhenACardNumberIsSentAsAPaymentMethodId_DoNotContainIt()
    {
        using var factory = SafetyHost.Start();
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync(paymentMethodId: null);

        var response = await api.PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId = "pm_4242424242424242" });

        Assert.True((int)response.StatusCode is >= 400 and < 500);
        var leaked = factory.Logs.Lines.FirstOrDefault(ContainsCardNumber);
        Assert.True(leaked is null, $"a card number reached the logs: {leaked}");
        Assert.False(ContainsCardNumber(await response.Content.ReadAsStringAsync()), "the problem response echoes the card number");
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Contains("no-store", Single(response, "Cache-Control"), StringComparison.Ordinal);
    }

    /// <summary>A run of 15 or 16 digits that looks like a card number (Visa, Mastercard, Amex prefix) and passes the Luhn check.</summary>
    private static bool ContainsCardNumber(string text) =>
        DigitRun().Matches(text).Any(m => m.Value.Length is 15 or 16 && m.Value[0] is '3' or '4' or '5' && Luhn(m.Value));

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit = digit * 2 > 9 ? (digit * 2) - 9 : digit * 2;
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }

    [GeneratedRegex(@"(?<!\d)\d{13,19}(?!\d)")]
    private static partial Regex DigitRun();

    private async Task<HttpResponseMessage> SendAsync(string kind)
    {
        var api = fixture.Factory.CreateApiClient();
        var employer = await api.EmployerAsync(paymentMethodId: null);
        var stranger = await api.EmployerAsync(paymentMethodId: null);
        var jobId = await api.CreateJobAsync(employer);
        return kind switch
        {
            "200 read" => await api.GetAsync($"/api/v1/jobs/{jobId}", employer),
            "401 no token" => await api.GetAsync("/api/v1/jobs", null),
            "404 not yours" => await api.GetAsync($"/api/v1/jobs/{jobId}", stranger),
            "409 refused move" => await api.HireAsync(employer, jobId, await api.TrainerAsync()),
            "400 validation" => await api.PostAsync("/api/v1/jobs", employer, new { title = string.Empty }),
            "400 malformed" => await api.SendRawAsync(HttpMethod.Post, "/api/v1/jobs", employer, "{\"title\":"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static HttpRequestMessage Preflight(string origin) => new(HttpMethod.Options, "/api/v1/jobs")
    {
        Headers = { { "Origin", origin }, { "Access-Control-Request-Method", "POST" }, { "Access-Control-Request-Headers", "authorization,content-type,idempotency-key" } },
    };

    private static ApiFactory Production(string signingKey, IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Auth:SigningKey"] = signingKey };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return ApiFactory.Create(SafetyHost.HostOptions with { Environment = "Production", Settings = settings });
    }

    private static string Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) || response.Content.Headers.TryGetValues(header, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} response to {response.RequestMessage?.RequestUri} has no {header} header");
}
