using OpenTrain.Clean.Application.Contracts;
using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Application.Billing;

/// <summary>Employer Settings → Billing: the default payment method, the plan, and the money in escrow.</summary>
public sealed record BillingResponse(
    string? CustomerId,
    PaymentMethodResponse? DefaultPaymentMethod,
    BillingPlan Plan,
    SubscriptionStatus SubscriptionStatus,
    EscrowSummary Escrow);

/// <param name="Id" example="pm_card_visa">The provider's payment method id.</param>
/// <param name="Brand" example="visa">Card brand, or the bank name for a bank account.</param>
/// <param name="Last4" example="4242">Last four digits.</param>
public sealed record PaymentMethodResponse(string Id, PaymentMethodType Type, string? Brand, string? Last4);
