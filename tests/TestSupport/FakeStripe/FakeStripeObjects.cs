using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>What a payment method does when a PaymentIntent is confirmed with it (Stripe's test-mode ids).</summary>
public enum FakeStripeBehaviour
{
    Succeed,
    Decline,
    RequireAction,
    Process,
}

/// <summary>One of Stripe's test payment methods (<c>pm_card_visa</c>, ...): its type, display facts and behaviour.</summary>
public sealed record FakeStripeTestMethod(string Type, string BrandOrBank, string Last4, FakeStripeBehaviour Behaviour, string? DeclineCode = null)
{
    public static readonly IReadOnlyDictionary<string, FakeStripeTestMethod> ById = new Dictionary<string, FakeStripeTestMethod>(StringComparer.Ordinal)
    {
        ["pm_card_visa"] = new("card", "visa", "4242", FakeStripeBehaviour.Succeed),
        ["pm_card_mastercard"] = new("card", "mastercard", "4444", FakeStripeBehaviour.Succeed),
        ["pm_card_chargeDeclined"] = new("card", "visa", "0002", FakeStripeBehaviour.Decline, "generic_decline"),
        ["pm_card_chargeDeclinedInsufficientFunds"] = new("card", "visa", "9995", FakeStripeBehaviour.Decline, "insufficient_funds"),
        ["pm_card_authenticationRequired"] = new("card", "visa", "3184", FakeStripeBehaviour.RequireAction),
        ["pm_usBankAccount"] = new("us_bank_account", "STRIPE TEST BANK", "6789", FakeStripeBehaviour.Process),
    };
}

/// <summary>
/// Stripe-shaped JSON objects (API version 2026-10-28.endive field names), built the way Stripe
/// returns them: <c>id</c>, <c>object</c>, <c>livemode</c>, unix <c>created</c>, ids for related objects.
/// The fake server builds its objects with these; webhook tests build event payloads with them.
/// </summary>
public static class FakeStripeObjects
{
    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static JsonObject Metadata(IEnumerable<KeyValuePair<string, string>>? values)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in values ?? [])
        {
            metadata[key] = value;
        }

        return metadata;
    }

    public static JsonObject Customer(string id, string? name, string? email, JsonObject metadata) => new()
    {
        ["id"] = id,
        ["object"] = "customer",
        ["created"] = Now,
        ["email"] = email,
        ["name"] = name,
        ["invoice_settings"] = new JsonObject { ["default_payment_method"] = null, ["custom_fields"] = null, ["footer"] = null },
        ["livemode"] = false,
        ["metadata"] = metadata,
    };

    public static JsonObject PaymentMethod(string id, FakeStripeTestMethod method, string? customerId)
    {
        var paymentMethod = new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_method",
            ["created"] = Now,
            ["customer"] = customerId,
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["type"] = method.Type,
        };
        if (method.Type == "us_bank_account")
        {
            paymentMethod["us_bank_account"] = new JsonObject
            {
                ["account_holder_type"] = "company",
                ["account_type"] = "checking",
                ["bank_name"] = method.BrandOrBank,
                ["last4"] = method.Last4,
                ["routing_number"] = "110000000",
            };
        }
        else
        {
            paymentMethod["card"] = new JsonObject
            {
                ["brand"] = method.BrandOrBank,
                ["country"] = "US",
                ["exp_month"] = 12,
                ["exp_year"] = DateTime.UtcNow.Year + 3,
                ["funding"] = "credit",
                ["last4"] = method.Last4,
            };
        }

        return paymentMethod;
    }

    public static JsonObject PaymentIntent(string id, long amount, string currency, string? customerId, string? paymentMethodId, string status, string? transferGroup, string? description, JsonObject metadata, IEnumerable<string> paymentMethodTypes) => new()
    {
        ["id"] = id,
        ["object"] = "payment_intent",
        ["amount"] = amount,
        ["amount_capturable"] = 0,
        ["amount_received"] = status == "succeeded" ? amount : 0,
        ["canceled_at"] = null,
        ["cancellation_reason"] = null,
        ["capture_method"] = "automatic_async",
        ["client_secret"] = $"{id}_secret_{Suffix(id)}",
        ["confirmation_method"] = "automatic",
        ["created"] = Now,
        ["currency"] = currency,
        ["customer"] = customerId,
        ["description"] = description,
        ["last_payment_error"] = null,
        ["latest_charge"] = null,
        ["livemode"] = false,
        ["metadata"] = metadata,
        ["next_action"] = null,
        ["payment_method"] = paymentMethodId,
        ["payment_method_types"] = new JsonArray([.. paymentMethodTypes.Select(t => (JsonNode?)JsonValue.Create(t))]),
        ["status"] = status,
        ["transfer_group"] = transferGroup,
    };

    public static JsonObject Charge(string id, JsonObject paymentIntent, string status) => new()
    {
        ["id"] = id,
        ["object"] = "charge",
        ["amount"] = paymentIntent["amount"]!.GetValue<long>(),
        ["amount_captured"] = status == "succeeded" ? paymentIntent["amount"]!.GetValue<long>() : 0,
        ["amount_refunded"] = 0,
        ["balance_transaction"] = status == "failed" ? null : $"txn_{Suffix(id)}",
        ["captured"] = status == "succeeded",
        ["created"] = Now,
        ["currency"] = paymentIntent["currency"]!.GetValue<string>(),
        ["customer"] = paymentIntent["customer"]?.GetValue<string>(),
        ["disputed"] = false,
        ["livemode"] = false,
        ["metadata"] = paymentIntent["metadata"]!.DeepClone(),
        ["paid"] = status == "succeeded",
        ["payment_intent"] = paymentIntent["id"]!.GetValue<string>(),
        ["payment_method"] = paymentIntent["payment_method"]?.GetValue<string>(),
        ["refunded"] = false,
        ["status"] = status,
        ["transfer_group"] = paymentIntent["transfer_group"]?.GetValue<string>(),
    };

    /// <summary>A charge after a full refund, as <c>charge.refunded</c> carries it (refunds listed when expanded).</summary>
    public static JsonObject RefundedCharge(JsonObject charge, string refundId)
    {
        var refunded = (JsonObject)charge.DeepClone();
        var amount = refunded["amount"]!.GetValue<long>();
        refunded["amount_refunded"] = amount;
        refunded["refunded"] = true;
        refunded["refunds"] = List($"/v1/charges/{refunded["id"]}/refunds", new JsonObject
        {
            ["id"] = refundId,
            ["object"] = "refund",
            ["amount"] = amount,
            ["charge"] = refunded["id"]!.GetValue<string>(),
            ["currency"] = refunded["currency"]!.GetValue<string>(),
            ["status"] = "succeeded",
            ["created"] = Now,
        });
        return refunded;
    }

    public static JsonObject Dispute(string id, JsonObject charge, string status) => new()
    {
        ["id"] = id,
        ["object"] = "dispute",
        ["amount"] = charge["amount"]!.GetValue<long>(),
        ["charge"] = charge["id"]!.GetValue<string>(),
        ["created"] = Now,
        ["currency"] = charge["currency"]!.GetValue<string>(),
        ["is_charge_refundable"] = false,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["payment_intent"] = charge["payment_intent"]?.GetValue<string>(),
        ["reason"] = "fraudulent",
        ["status"] = status,
    };

    public static JsonObject Transfer(string id, long amount, string currency, string destination, string? sourceTransaction, string? transferGroup, JsonObject metadata) => new()
    {
        ["id"] = id,
        ["object"] = "transfer",
        ["amount"] = amount,
        ["amount_reversed"] = 0,
        ["balance_transaction"] = $"txn_{Suffix(id)}",
        ["created"] = Now,
        ["currency"] = currency,
        ["description"] = null,
        ["destination"] = destination,
        ["destination_payment"] = $"py_{Suffix(id)}",
        ["livemode"] = false,
        ["metadata"] = metadata,
        ["reversals"] = List($"/v1/transfers/{id}/reversals"),
        ["reversed"] = false,
        ["source_transaction"] = sourceTransaction,
        ["source_type"] = "card",
        ["transfer_group"] = transferGroup,
    };

    public static JsonObject Account(string id, string type, string country, string? email, JsonObject metadata, IEnumerable<string> requestedCapabilities, string? serviceAgreement) => new()
    {
        ["id"] = id,
        ["object"] = "account",
        ["business_type"] = null,
        ["capabilities"] = new JsonObject(requestedCapabilities.Select(c => KeyValuePair.Create(c, (JsonNode?)"inactive"))),
        ["charges_enabled"] = false,
        ["country"] = country,
        ["created"] = Now,
        ["default_currency"] = country == "US" ? "usd" : null,
        ["details_submitted"] = false,
        ["email"] = email,
        ["metadata"] = metadata,
        ["payouts_enabled"] = false,
        ["requirements"] = Requirements(["business_type", "external_account", "individual.dob.day", "individual.first_name", "tos_acceptance.date"]),
        ["tos_acceptance"] = new JsonObject { ["service_agreement"] = serviceAgreement ?? "full" },
        ["type"] = type,
    };

    public static JsonObject Requirements(IEnumerable<string> currentlyDue)
    {
        var due = currentlyDue.ToList();
        return new JsonObject
        {
            ["alternatives"] = new JsonArray(),
            ["current_deadline"] = null,
            ["currently_due"] = Strings(due),
            ["disabled_reason"] = due.Count == 0 ? null : "requirements.past_due",
            ["errors"] = new JsonArray(),
            ["eventually_due"] = Strings(due),
            ["past_due"] = Strings(due),
            ["pending_verification"] = new JsonArray(),
        };
    }

    public static JsonObject Subscription(string id, string customerId, string priceId, string status, JsonObject metadata, string latestInvoiceId) => new()
    {
        ["id"] = id,
        ["object"] = "subscription",
        ["cancel_at_period_end"] = false,
        ["canceled_at"] = null,
        ["collection_method"] = "charge_automatically",
        ["created"] = Now,
        ["currency"] = "usd",
        ["customer"] = customerId,
        ["ended_at"] = null,
        ["items"] = List($"/v1/subscription_items?subscription={id}", new JsonObject
        {
            ["id"] = $"si_{Suffix(id)}",
            ["object"] = "subscription_item",
            ["created"] = Now,
            ["current_period_end"] = Now + (30 * 86400),
            ["current_period_start"] = Now,
            ["metadata"] = new JsonObject(),
            ["price"] = new JsonObject
            {
                ["id"] = priceId,
                ["object"] = "price",
                ["active"] = true,
                ["currency"] = "usd",
                ["recurring"] = new JsonObject { ["interval"] = "month", ["interval_count"] = 1 },
                ["type"] = "recurring",
                ["unit_amount"] = 4900,
            },
            ["quantity"] = 1,
            ["subscription"] = id,
        }),
        ["latest_invoice"] = latestInvoiceId,
        ["livemode"] = false,
        ["metadata"] = metadata,
        ["status"] = status,
    };

    /// <summary>A subscription invoice: since the basil versions the subscription is under <c>parent.subscription_details</c>.</summary>
    public static JsonObject SubscriptionInvoice(string id, string customerId, string subscriptionId, JsonObject subscriptionMetadata, long amount, bool paid) => new()
    {
        ["id"] = id,
        ["object"] = "invoice",
        ["amount_due"] = amount,
        ["amount_paid"] = paid ? amount : 0,
        ["amount_remaining"] = paid ? 0 : amount,
        ["billing_reason"] = "subscription_create",
        ["collection_method"] = "charge_automatically",
        ["created"] = Now,
        ["currency"] = "usd",
        ["customer"] = customerId,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["parent"] = new JsonObject
        {
            ["type"] = "subscription_details",
            ["quote_details"] = null,
            ["subscription_details"] = new JsonObject
            {
                ["metadata"] = subscriptionMetadata.DeepClone(),
                ["subscription"] = subscriptionId,
            },
        },
        ["status"] = paid ? "paid" : "open",
        ["total"] = amount,
    };

    public static JsonObject List(string url, params JsonObject[] data) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray([.. data.Cast<JsonNode?>()]),
        ["has_more"] = false,
        ["url"] = url,
    };

    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    public static string Suffix(string id) => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..];

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
