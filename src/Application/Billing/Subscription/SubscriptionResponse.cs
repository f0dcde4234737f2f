using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Application.Billing.Subscription;

/// <summary>
/// Agency and recruiting plans: billed by a provider subscription, separate from milestone charges.
/// While the plan's subscription is not active, milestones cannot be funded (409 subscription_required).
/// </summary>
public sealed record SubscriptionResponse(BillingPlan Plan, SubscriptionStatus Status, string? SubscriptionId);
