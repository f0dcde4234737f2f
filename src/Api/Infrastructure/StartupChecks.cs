using OpenTrain.Clean.Infrastructure.Hosting;
using OpenTrain.Clean.Infrastructure.Payments.Stripe;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// What the API refuses to start without, each refusal naming the setting (the payment provider and
/// the database are checked by AddInfrastructure, the signing key by AddBearerAuthentication).
/// </summary>
internal static class StartupChecks
{
    public static void RefuseHalfConfigured(IConfiguration configuration, IHostEnvironment environment)
    {
        RequireEnforceableHttps(configuration, environment);
        RequireWebhookSecret(configuration, environment);
    }

    /// <summary>
    /// Outside Development every request must end up on HTTPS: this process needs an HTTPS port to
    /// redirect to, or a trusted TLS-terminating proxy in front of it. Without either, redirection
    /// would silently do nothing, so the process refuses to start instead.
    /// </summary>
    private static void RequireEnforceableHttps(IConfiguration configuration, IHostEnvironment environment)
    {
        if (configuration["Api:TrustForwardedHeaders"] is not null)
        {
            throw new StartupRefusedException(
                "Api:TrustForwardedHeaders is no longer read (it believed X-Forwarded-* from any client): list the TLS-terminating proxies in TrustedProxies:Addresses or TrustedProxies:Networks instead.");
        }

        var proxies = TrustedProxies.From(configuration);
        if (environment.IsDevelopment() || proxies.Any || !string.IsNullOrEmpty(HttpHardening.HttpsPortSetting(configuration)) || HttpHardening.ListensOnHttps(configuration))
        {
            return;
        }

        throw new StartupRefusedException(
            $"HTTPS cannot be enforced outside Development ({environment.EnvironmentName}): set ASPNETCORE_HTTPS_PORTS (or https_port, or an https:// address in ASPNETCORE_URLS or Kestrel:Endpoints) "
            + "when this process terminates TLS, or list the TLS-terminating proxies in TrustedProxies:Addresses or TrustedProxies:Networks.");
    }

    /// <summary>With Stripe but no signing secret every webhook is refused, and payouts never hear that an account was enabled.</summary>
    private static void RequireWebhookSecret(IConfiguration configuration, IHostEnvironment environment)
    {
        var stripe = configuration.GetSection(StripeOptions.SectionName).Get<StripeOptions>() ?? new StripeOptions();
        if (!environment.IsDevelopment() && !string.IsNullOrWhiteSpace(stripe.SecretKey) && !stripe.WebhookSecrets.Any(s => !string.IsNullOrWhiteSpace(s)))
        {
            throw new StartupRefusedException(
                $"Stripe:WebhookSecrets:0 is not set. Outside Development ({environment.EnvironmentName}) the Stripe webhook endpoint needs its signing secret (whsec_...).");
        }
    }
}
