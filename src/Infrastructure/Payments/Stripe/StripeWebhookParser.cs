using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Domain.Billing;
using Stripe;

namespace OpenTrain.Clean.Infrastructure.Payments.Stripe;

public sealed class WebhookSignatureException(string message) : Exception(message);

/// <summary>
/// Verifies a Stripe webhook against every configured signing secret (rotation) with the
/// configured tolerance, and translates the event into a <see cref="ProviderEvent"/>.
/// </summary>
public sealed class StripeWebhookParser(IOptions<StripeOptions> options)
{
    public ProviderEvent Parse(string json, string? signatureHeader)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(signatureHeader) || settings.WebhookSecrets.Count == 0)
        {
            throw new WebhookSignatureException("The Stripe-Signature header is missing or no webhook secret is configured.");
        }

        Event? stripeEvent = null;
        foreach (var secret in settings.WebhookSecrets.Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            try
            {
                // Events may carry another API version than the SDK's: accept them, we read only stable fields.
                stripeEvent = EventUtility.ConstructEvent(json, signatureHeader, secret, settings.WebhookTolerance, throwOnApiVersionMismatch: false);
                break;
            }
            catch (StripeException)
            {
                // Try the next secret; none matching is a bad or stale signature.
            }
        }

        return stripeEvent is null
            ? throw new WebhookSignatureException("The Stripe-Signature does not match any webhook secret, or it is older than the tolerance.")
            : Translate(stripeEvent);
    }

    internal static ProviderEvent Translate(Event stripeEvent)
    {
        var id = stripeEvent.Id;
        var type = stripeEvent.Type;
        return stripeEvent.Data?.Object switch
        {
            PaymentIntent intent when type is "payment_intent.succeeded" or "payment_intent.processing" or "payment_intent.payment_failed"
                or "payment_intent.requires_action" or "payment_intent.canceled" =>
                new PaymentIntentChanged(id, type, StripePaymentGateway.ToFundingResult(intent), intent.Metadata ?? new Dictionary<string, string>(), intent.Amount),
            Charge charge when type == "charge.refunded" =>
                new ChargeRefunded(id, type, charge.Id, charge.Refunds?.Data?.FirstOrDefault()?.Id, charge.Refunded),
            Dispute dispute when type is "charge.dispute.created" or "charge.dispute.closed" =>
                new DisputeChanged(id, type, dispute.ChargeId, dispute.Id, type == "charge.dispute.closed", dispute.Status),
            Account account when type == "account.updated" => new ConnectedAccountUpdated(id, type, account.Id),
            Transfer transfer when type == "transfer.reversed" => new TransferReversed(id, type, transfer.Id, transfer.AmountReversed),
            Subscription subscription when type.StartsWith("customer.subscription.", StringComparison.Ordinal) =>
                new SubscriptionChanged(
                    id,
                    type,
                    subscription.CustomerId,
                    subscription.Id,
                    type == "customer.subscription.deleted" ? SubscriptionStatus.Canceled : StripeStatuses.Subscription(subscription.Status),
                    PlanOf(subscription.Metadata)),
            Invoice invoice when type is "invoice.paid" or "invoice.payment_failed" && invoice.Parent?.SubscriptionDetails is not null =>
                new SubscriptionInvoiceChanged(
                    id,
                    type,
                    invoice.CustomerId,
                    invoice.Id,
                    type == "invoice.paid" ? invoice.AmountPaid : invoice.AmountDue,
                    (invoice.Currency ?? "usd").ToUpperInvariant(),
                    type == "invoice.paid",
                    PlanOf(invoice.Parent.SubscriptionDetails.Metadata)),
            _ => new UnhandledProviderEvent(id, type),
        };
    }

    private static BillingPlan? PlanOf(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue("plan", out var plan) && Enum.TryParse<BillingPlan>(plan, ignoreCase: true, out var parsed) ? parsed : null;
}
