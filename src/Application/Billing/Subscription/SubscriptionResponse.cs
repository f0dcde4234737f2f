using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Application.Billing.Subscription;

/// <summary>
/// Agency and recruiting plans: billed by a provider subscription, separate from milestone charges.
/// While the plan's subscription is not active, milestones cannot be funded (409 subscription_required).
/// </summary>
/// <param name="ClientSecret">
/// While the first payment needs the customer (3-D Secure, status incomplete): confirm it with Stripe.js
/// (<c>stripe.confirmCardPayment(clientSecret)</c>), then POST the same plan again to read the outcome.
/// </param>
public sealed record SubscriptionResponse(BillingPlan Plan, SubscriptionStatus Status, string? SubscriptionId, string? ClientSecret);
