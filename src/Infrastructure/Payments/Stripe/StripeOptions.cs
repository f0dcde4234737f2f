namespace OpenTrain.Clean.Infrastructure.Payments.Stripe;

/// <summary>Configuration section <c>Stripe</c>. With <see cref="SecretKey"/> set, money moves through Stripe.</summary>
public sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    public string? SecretKey { get; set; }

    /// <summary>Signing secrets of the webhook endpoint; several during a rotation.</summary>
    public IList<string> WebhookSecrets { get; } = [];

    /// <summary>Seconds a webhook signature stays valid.</summary>
    public long WebhookTolerance { get; set; } = 300;

    /// <summary>Override for a Stripe-compatible server (tests, stripe-mock): e.g. http://127.0.0.1:12111.</summary>
    public string? ApiBase { get; set; }

    public string? ConnectBase { get; set; }

    /// <summary>A request that takes longer has an unknown outcome; reconciliation settles it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Stripe.net's own retries of network failures (they reuse the idempotency key).</summary>
    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>
    /// How many events one reconciliation sweep lists at most (GET /v1/events, 100 a request: Stripe's rate limit). Stripe
    /// lists newest first: when more fall in a sweep's window, the next sweeps read the older rest before moving on.
    /// </summary>
    public int MaxEventsPerSweep { get; set; } = 1000;

    /// <summary>The platform's country: trainers elsewhere get the "recipient" service agreement (cross-border payouts).</summary>
    public string PlatformCountry { get; set; } = "US";

    /// <summary>Where Stripe sends a trainer whose onboarding link expired: a frontend page that asks for a new link.</summary>
    public string ConnectRefreshUrl { get; set; } = "http://localhost:5080/swagger";

    /// <summary>Where Stripe sends a trainer who finished onboarding: the frontend's Settings -> Payouts.</summary>
    public string ConnectReturnUrl { get; set; } = "http://localhost:5080/swagger";

    /// <summary>Price ids of the plans that require a subscription.</summary>
    public PlanPrices Prices { get; set; } = new();

    public sealed class PlanPrices
    {
        public string? Agency { get; set; }

        public string? Recruiting { get; set; }
    }
}
