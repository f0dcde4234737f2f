using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using Stripe;

namespace OpenTrain.Clean.Infrastructure.Payments.Stripe;

/// <summary>Plan subscriptions (agency, recruiting), billed by Stripe separately from milestone charges.</summary>
public sealed partial class StripePaymentGateway
{
    public async Task<SubscriptionResult> CreateSubscriptionAsync(SubscriptionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prices = options.Value.Prices;
        var price = request.Plan switch
        {
            BillingPlan.Agency => prices.Agency,
            BillingPlan.Recruiting => prices.Recruiting,
            _ => null,
        } ?? throw new PaymentProviderException($"No Stripe price is configured for the {request.Plan} plan (Stripe:Prices:{request.Plan}).");
        var subscription = await Call(
            "create subscription",
            () => new SubscriptionService(client).CreateAsync(
                new SubscriptionCreateOptions
                {
                    Customer = request.CustomerId,
                    Items = [new SubscriptionItemOptions { Price = price }],
                    PaymentBehavior = "allow_incomplete",
                    Metadata = new Dictionary<string, string> { ["plan"] = request.Plan.ToString().ToLowerInvariant() },

                    // A first payment that needs 3-D Secure leaves the subscription incomplete: Stripe.js confirms it with this secret.
                    Expand = [LatestInvoiceConfirmation],
                },
                Idempotent(request.IdempotencyKey),
                cancellationToken));
        return ToSubscriptionResult(subscription);
    }

    public async Task<SubscriptionResult> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = await Call(
            "get subscription",
            () => new SubscriptionService(client).GetAsync(subscriptionId, new SubscriptionGetOptions { Expand = [LatestInvoiceConfirmation] }, cancellationToken: cancellationToken));
        return ToSubscriptionResult(subscription);
    }

    private const string LatestInvoiceConfirmation = "latest_invoice.confirmation_secret";

    private static SubscriptionResult ToSubscriptionResult(Subscription subscription) =>
        new(subscription.Id, StripeStatuses.Subscription(subscription.Status), subscription.LatestInvoice?.ConfirmationSecret?.ClientSecret);

    public async Task<SubscriptionResult> CancelSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = await Call("cancel subscription", () => new SubscriptionService(client).CancelAsync(subscriptionId, cancellationToken: cancellationToken));
        return new SubscriptionResult(subscription.Id, StripeStatuses.Subscription(subscription.Status));
    }
}

internal static class StripeStatuses
{
    public static SubscriptionStatus Subscription(string? status) => status switch
    {
        "active" or "trialing" => SubscriptionStatus.Active,
        "past_due" or "unpaid" => SubscriptionStatus.PastDue,
        "canceled" or "incomplete_expired" => SubscriptionStatus.Canceled,
        "incomplete" => SubscriptionStatus.Incomplete,
        _ => SubscriptionStatus.None,
    };
}
