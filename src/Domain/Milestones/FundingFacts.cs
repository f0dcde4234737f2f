using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// What the milestone's funding stands at: its attempts and, once the provider answered, the
/// provider's ids. A value: each change makes a new one. When reconciliation next asks about an
/// attempt in flight stays on the milestone (<see cref="Milestone.NextFundingCheckAt"/>), where it is
/// indexed with the status.
/// </summary>
public sealed record FundingFacts
{
    public int Attempts { get; init; }

    public string? PaymentIntentId { get; init; }

    public string? ChargeId { get; init; }

    /// <summary>Set while the employer must complete an action (3-D Secure) for the current attempt.</summary>
    public string? ClientSecret { get; init; }

    public DateTimeOffset? FundedAt { get; init; }

    public FundingError? LastError { get; init; }

    /// <summary>The payment method the current attempt charges; a repeated request must name the same one.</summary>
    public string? PaymentMethodId { get; init; }

    public PaymentMethodType? PaymentMethodType { get; init; }

    /// <summary>How many times reconciliation asked the provider about the attempt in flight.</summary>
    public int Checks { get; init; }

    /// <summary>A new attempt: the previous attempt's intent, secret, error and checks are forgotten.</summary>
    internal FundingFacts NextAttempt(PaymentMethodSummary? paymentMethod) => this with
    {
        Attempts = Attempts + 1,
        PaymentMethodId = paymentMethod?.ProviderId,
        PaymentMethodType = paymentMethod?.Type,
        ClientSecret = null,
        PaymentIntentId = null,
        LastError = null,
        Checks = 0,
    };

    internal FundingFacts AwaitingAction(string paymentIntentId, string? clientSecret) =>
        this with { PaymentIntentId = paymentIntentId, ClientSecret = clientSecret };

    internal FundingFacts Checked() => this with { Checks = Checks + 1 };

    internal FundingFacts Funded(string paymentIntentId, string? chargeId, DateTimeOffset now) =>
        this with { PaymentIntentId = paymentIntentId, ChargeId = chargeId, ClientSecret = null, FundedAt = now, LastError = null };

    internal FundingFacts Failed(FundingError error) => this with { LastError = error, ClientSecret = null };
}
