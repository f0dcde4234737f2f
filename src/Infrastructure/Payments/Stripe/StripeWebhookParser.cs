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
                new ChargeRefunded(id, type, charge.Id, charge.Refunds?.Data?.OrderByDescending(r => r.Created).FirstOrDefault()?.Id, charge.Refunded),
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
            Invoice invoice when type is "invoice.paid" or "invoice.payment_failed" => SubscriptionInvoice(stripeEvent, invoice),
            _ when HandledTypes.Contains(type) =>
                new UnreadableProviderEvent(id, type, $"its data.object ({stripeEvent.Data?.Object?.GetType().Name ?? "none"}) is not the object this event type carries"),
            _ => new UnhandledProviderEvent(id, type),
        };
    }

    /// <summary>
    /// invoice.paid / invoice.payment_failed in either shape: <c>parent.subscription_details</c> (API versions
    /// from 2025-03-31.basil on) or the older top-level <c>subscription</c> (with <c>subscription_details</c>).
    /// An invoice that names no subscription is a one-off invoice, none of ours, unless Stripe billed it for a
    /// subscription: then its shape is one this code does not read, and the webhook must not answer 2xx.
    /// </summary>
    private static ProviderEvent SubscriptionInvoice(Event stripeEvent, Invoice invoice)
    {
        var raw = RawObject(stripeEvent);
        var parent = invoice.Parent?.SubscriptionDetails;
        var subscriptionId = parent?.SubscriptionId ?? Text(raw?["subscription"]) ?? Text(raw?["subscription"]?["id"]);
        if (subscriptionId is null)
        {
            return invoice.BillingReason?.StartsWith("subscription", StringComparison.Ordinal) == true
                ? new UnreadableProviderEvent(stripeEvent.Id, stripeEvent.Type, $"a subscription invoice (billing_reason {invoice.BillingReason}) names no subscription in parent.subscription_details or subscription")
                : new UnhandledProviderEvent(stripeEvent.Id, stripeEvent.Type);
        }

        if (string.IsNullOrEmpty(invoice.CustomerId) || string.IsNullOrEmpty(invoice.Id))
        {
            return new UnreadableProviderEvent(stripeEvent.Id, stripeEvent.Type, "the invoice has no id or customer");
        }

        var paid = stripeEvent.Type == "invoice.paid";
        var plan = PlanOf(parent?.Metadata) ?? PlanOf(raw?["subscription_details"]?["metadata"]?.ToObject<Dictionary<string, string>>());
        return new SubscriptionInvoiceChanged(
            stripeEvent.Id,
            stripeEvent.Type,
            invoice.CustomerId,
            invoice.Id,
            paid ? invoice.AmountPaid : invoice.AmountDue,
            (invoice.Currency ?? "usd").ToUpperInvariant(),
            paid,
            plan);
    }

    private static Newtonsoft.Json.Linq.JObject? RawObject(Event stripeEvent) => stripeEvent.Data?.RawObject as Newtonsoft.Json.Linq.JObject;

    private static string? Text(Newtonsoft.Json.Linq.JToken? token) =>
        token is { Type: Newtonsoft.Json.Linq.JTokenType.String } ? token.ToString() : null;

    /// <summary>The event types this code acts on: one of them that cannot be read is refused, never acknowledged.</summary>
    internal static readonly IReadOnlySet<string> HandledTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "payment_intent.succeeded", "payment_intent.processing", "payment_intent.payment_failed", "payment_intent.requires_action", "payment_intent.canceled",
        "charge.refunded", "charge.dispute.created", "charge.dispute.closed", "account.updated", "transfer.reversed",
        "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted", "invoice.paid", "invoice.payment_failed",
    };

    private static BillingPlan? PlanOf(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue("plan", out var plan) && Enum.TryParse<BillingPlan>(plan, ignoreCase: true, out var parsed) ? parsed : null;
}
