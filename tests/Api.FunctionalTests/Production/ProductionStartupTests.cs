using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Infrastructure.Hosting;

namespace OpenTrain.Clean.Api.FunctionalTests.Production;

/// <summary>Outside Development the API refuses to start half-configured, naming the setting, and the simulator does not exist.</summary>
public sealed class ProductionStartupTests
{
    private const string SigningKey = "a-production-signing-key-that-is-not-published-0123456789";

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Start_OutsideDevelopmentWithoutAPaymentProvider_RefusesNamingStripeSecretKey(string environment)
    {
        using var factory = Host(environment, Complete(without: "Stripe:SecretKey"));

        var refused = Assert.Throws<StartupRefusedException>(() => factory.CreateClient());

        Assert.Contains("Stripe:SecretKey is not set", refused.Message, StringComparison.Ordinal);
        Assert.Contains("simulator runs only in Development", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_InProductionWithNoHttpsPortAndNoTrustedProxy_RefusesNamingTheSettings()
    {
        using var factory = Host("Production", Complete(without: "https_port"));

        var refused = Assert.Throws<StartupRefusedException>(() => factory.CreateClient());

        Assert.Contains("HTTPS cannot be enforced", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_HTTPS_PORTS", refused.Message, StringComparison.Ordinal);
        Assert.Contains("TrustedProxies:Addresses", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_InProductionWithStripeButNoWebhookSecret_RefusesNamingIt()
    {
        using var factory = Host("Production", Complete(without: "Stripe:WebhookSecrets:0"));

        var refused = Assert.Throws<StartupRefusedException>(() => factory.CreateClient());

        Assert.Contains("Stripe:WebhookSecrets:0 is not set", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Api:TrustForwardedHeaders", "true", "Api:TrustForwardedHeaders is no longer read")]
    [InlineData("TrustedProxies:Addresses:0", "proxy.internal", "TrustedProxies:Addresses:0 ('proxy.internal') is not an IP address")]
    [InlineData("TrustedProxies:Networks:0", "10.0.0.0/99", "TrustedProxies:Networks:0 ('10.0.0.0/99') is not a network")]
    public void Start_WithAnUnsafeOrMalformedProxySetting_RefusesNamingIt(string key, string value, string expected)
    {
        var settings = Complete();
        settings[key] = value;
        using var factory = Host("Production", settings);

        var refused = Assert.Throws<StartupRefusedException>(() => factory.CreateClient());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_InProductionBehindATrustedProxyWithoutAnHttpsPort_Starts()
    {
        var settings = Complete(without: "https_port");
        settings["TrustedProxies:Networks:0"] = "10.0.0.0/24";
        using var factory = Host("Production", settings);

        Assert.NotNull(factory.CreateClient());
    }

    [Fact]
    public void Routes_InProduction_HaveNoSimulatorPagesAndNoDevTokens()
    {
        using var production = Host("Production", Complete());
        using var development = ApiFactory.Create(new ApiHostOptions());

        Assert.DoesNotContain(RoutesOf(production), r => r.StartsWith("/simulator", StringComparison.Ordinal) || r.StartsWith("/dev", StringComparison.Ordinal));
        Assert.Contains("/webhooks/stripe", RoutesOf(production));

        // The same routes exist in Development, so the assertion above looks at the right place.
        Assert.Contains("/simulator/onboarding/{accountId}/complete", RoutesOf(development));
        Assert.Contains("/dev/token", RoutesOf(development));
    }

    [Fact]
    public async Task ForwardedProto_FromATrustedProxy_IsBelievedAndFromAnyoneElseIgnored()
    {
        var settings = Complete(without: "https_port");
        settings["TrustedProxies:Addresses:0"] = "10.0.0.5";
        using var factory = Host("Production", settings);
        factory.CreateClient().Dispose();

        var viaProxyHttps = await SendAsync(factory, "10.0.0.5", "https");
        var viaProxyHttp = await SendAsync(factory, "10.0.0.5", "http");
        var spoofed = await SendAsync(factory, "203.0.113.9", "https");

        Assert.Equal(StatusCodes.Status200OK, viaProxyHttps.Response.StatusCode);
        Assert.StartsWith("max-age=", viaProxyHttps.Response.Headers.StrictTransportSecurity.ToString(), StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status307TemporaryRedirect, viaProxyHttp.Response.StatusCode);
        Assert.Equal("https://api.opentrain.example/health/live", viaProxyHttp.Response.Headers.Location.ToString());
        Assert.Equal(StatusCodes.Status307TemporaryRedirect, spoofed.Response.StatusCode);
        Assert.Equal("203.0.113.9", spoofed.Connection.RemoteIpAddress?.ToString());
    }

    private static Task<HttpContext> SendAsync(ApiFactory factory, string remoteAddress, string forwardedProto) =>
        factory.Server.SendAsync(context =>
        {
            context.Request.Method = "GET";
            context.Request.Scheme = "http";
            context.Request.Host = new HostString("api.opentrain.example");
            context.Request.Path = "/health/live";
            context.Connection.RemoteIpAddress = IPAddress.Parse(remoteAddress);
            context.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
            context.Request.Headers["X-Forwarded-For"] = "198.51.100.7";
        });

    private static List<string> RoutesOf(ApiFactory factory)
    {
        factory.CreateClient().Dispose();
        return factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText?.TrimStart('/')).ToList();
    }

    /// <summary>Everything production needs; Stripe is never called by these tests.</summary>
    private static Dictionary<string, string?> Complete(string? without = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = SigningKey,
            ["Stripe:SecretKey"] = "sk_test_production_checks",
            ["Stripe:WebhookSecrets:0"] = "whsec_production_checks",
            ["Stripe:ApiBase"] = "http://127.0.0.1:9",
            ["https_port"] = "443",
        };
        if (without is not null)
        {
            settings.Remove(without);
        }

        return settings;
    }

    private static ApiFactory Host(string environment, Dictionary<string, string?> settings) =>
        ApiFactory.Create(new ApiHostOptions { Environment = environment, Settings = settings });
}
