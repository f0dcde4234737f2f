using CsCheck;

namespace OpenTrain.Clean.Api.FunctionalTests.Stripe.Invariant;

/// <summary>The card the employer funds with, in Stripe's test words, and what Stripe does with it.</summary>
public enum PayWith
{
    /// <summary><c>pm_card_visa</c>: succeeded at once.</summary>
    Visa,

    /// <summary><c>pm_card_chargeDeclined</c>: declined.</summary>
    Declined,

    /// <summary><c>pm_card_authenticationRequired</c>: requires_action until the customer completes or fails 3-D Secure.</summary>
    ThreeDSecure,

    /// <summary><c>pm_usBankAccount</c>: processing until the bank debit settles or fails.</summary>
    BankDebit,
}

/// <summary>What goes wrong between the API and Stripe on a funding call.</summary>
public enum ProviderFault
{
    None,

    /// <summary>Stripe answers 500 <c>api_error</c> (and replays it under the same key).</summary>
    ServerError,

    /// <summary>Stripe carries the call out but answers after the client gave up.</summary>
    Timeout,
}

/// <summary>How the next webhook reaches the API.</summary>
public enum Delivery
{
    /// <summary>The oldest waiting event.</summary>
    Next,

    /// <summary>A later event first: the waiting events are delivered out of order.</summary>
    Reordered,

    /// <summary>An event delivered before, delivered again.</summary>
    Duplicated,

    /// <summary>The oldest waiting event is never delivered (only GET /v1/events still has it).</summary>
    Dropped,
}

/// <summary>One step of a random sequence: an API call, something Stripe or the customer does, a delivery, or a job run.</summary>
public abstract record MoneyStep
{
    /// <summary>The employer funds (or funds again) milestone <paramref name="Milestone"/>.</summary>
    public sealed record Fund(int Milestone, PayWith With, ProviderFault Fault) : MoneyStep;

    /// <summary>
    /// The customer acts on one of the milestone's PaymentIntents (by <paramref name="Intent"/>, modulo how many there are):
    /// completes or fails 3-D Secure, the bank debit settles or fails, or a failed intent is confirmed again in Stripe.js.
    /// </summary>
    public sealed record CustomerActs(int Milestone, int Intent, bool Succeeds) : MoneyStep;

    /// <summary>The trainer submits and the employer approves.</summary>
    public sealed record Approve(int Milestone) : MoneyStep;

    /// <summary>Support refunds the milestone.</summary>
    public sealed record Refund(int Milestone) : MoneyStep;

    public sealed record Deliver(Delivery How, int Pick) : MoneyStep;

    /// <summary>Time passes (minutes) and the reconciliation job runs.</summary>
    public sealed record Reconcile(int Minutes) : MoneyStep;

    /// <summary>Time passes (minutes), the outbox is drained and the payout job runs.</summary>
    public sealed record PayoutRun(int Minutes) : MoneyStep;

    public static readonly Gen<MoneyStep> Any = Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, 1], Gen.Enum<PayWith>(), Gen.Frequency((8, Gen.Const(ProviderFault.None)), (2, Gen.Const(ProviderFault.ServerError)), (1, Gen.Const(ProviderFault.Timeout))))
            .Select(t => (MoneyStep)new Fund(t.Item1, t.Item2, t.Item3))),
        (5, Gen.Select(Gen.Int[0, 1], Gen.Int[0, 3], Gen.Bool).Select(t => (MoneyStep)new CustomerActs(t.Item1, t.Item2, t.Item3))),
        (3, Gen.Int[0, 1].Select(m => (MoneyStep)new Approve(m))),
        (2, Gen.Int[0, 1].Select(m => (MoneyStep)new Refund(m))),
        (8, Gen.Select(Gen.Enum<Delivery>(), Gen.Int[0, 5]).Select(t => (MoneyStep)new Deliver(t.Item1, t.Item2))),
        (2, Gen.Int[1, 90].Select(m => (MoneyStep)new Reconcile(m))),
        (2, Gen.Int[1, 90].Select(m => (MoneyStep)new PayoutRun(m))));

    /// <summary>Bounded so that the suite runs the property in seconds, not minutes.</summary>
    public static readonly Gen<MoneyStep[]> Sequences = Any.Array[1, 14];
}
