using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Infrastructure.Payments.Simulator;

/// <summary>How a test payment method behaves when charged, after Stripe's test-mode ids.</summary>
public enum SimulatedChargeBehaviour
{
    Succeeds,
    Declines,
    RequiresAction,
    Processing,

    /// <summary>The charge succeeds, then the cardholder disputes it (Stripe's <c>pm_card_createDispute</c>).</summary>
    SucceedsThenDisputed,

    /// <summary>Attaches, but every charge fails (Stripe's <c>pm_card_chargeCustomerFail</c>): a subscription's renewal fails.</summary>
    AttachesButFails,
}

public sealed record SimulatedPaymentMethod(
    string Id,
    PaymentMethodType Type,
    string Brand,
    string Last4,
    SimulatedChargeBehaviour Behaviour,
    string? DeclineCode = null,
    string? DeclineMessage = null);

/// <summary>Stripe's test payment method ids that the simulator knows.</summary>
public static class SimulatedPaymentMethods
{
    public static IReadOnlyDictionary<string, SimulatedPaymentMethod> All { get; } = new[]
    {
        new SimulatedPaymentMethod("pm_card_visa", PaymentMethodType.Card, "visa", "4242", SimulatedChargeBehaviour.Succeeds),
        new SimulatedPaymentMethod("pm_card_mastercard", PaymentMethodType.Card, "mastercard", "4444", SimulatedChargeBehaviour.Succeeds),
        new SimulatedPaymentMethod("pm_card_amex", PaymentMethodType.Card, "amex", "8431", SimulatedChargeBehaviour.Succeeds),
        new SimulatedPaymentMethod("pm_card_chargeDeclined", PaymentMethodType.Card, "visa", "0002", SimulatedChargeBehaviour.Declines, "generic_decline", "Your card was declined."),
        new SimulatedPaymentMethod("pm_card_chargeDeclinedInsufficientFunds", PaymentMethodType.Card, "visa", "9995", SimulatedChargeBehaviour.Declines, "insufficient_funds", "Your card has insufficient funds."),
        new SimulatedPaymentMethod("pm_card_authenticationRequired", PaymentMethodType.Card, "visa", "3184", SimulatedChargeBehaviour.RequiresAction),
        new SimulatedPaymentMethod("pm_usBankAccount", PaymentMethodType.UsBankAccount, "STRIPE TEST BANK", "6789", SimulatedChargeBehaviour.Processing),
        new SimulatedPaymentMethod("pm_card_createDispute", PaymentMethodType.Card, "visa", "0259", SimulatedChargeBehaviour.SucceedsThenDisputed),
        new SimulatedPaymentMethod("pm_card_chargeCustomerFail", PaymentMethodType.Card, "visa", "0341", SimulatedChargeBehaviour.AttachesButFails, "generic_decline", "Your card was declined."),
    }.ToDictionary(pm => pm.Id, StringComparer.Ordinal);
}
