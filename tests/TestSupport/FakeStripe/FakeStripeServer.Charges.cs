using System.Text.Json.Nodes;

namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>Payment intents (with their charges) and refunds.</summary>
public sealed partial class FakeStripeServer
{
    private static readonly string[] PaymentIntentParameters =
    [
        "amount", "allowed_payment_method_types", "amount_details", "application_fee_amount", "automatic_payment_methods", "capture_method", "confirm",
        "confirmation_method", "confirmation_token", "currency", "customer", "description", "error_on_requires_action", "excluded_payment_method_types",
        "expand", "mandate", "mandate_data", "metadata", "off_session", "on_behalf_of", "payment_details", "payment_method", "payment_method_configuration",
        "payment_method_data", "payment_method_options", "radar_options", "receipt_email", "return_url", "setup_future_usage", "shipping",
        "statement_descriptor", "statement_descriptor_suffix", "transfer_data", "transfer_group", "use_stripe_sdk",
    ];

    private static readonly string[] RefundParameters =
    [
        "amount", "charge", "currency", "customer", "expand", "instructions_email", "metadata", "origin", "payment_intent", "reason",
        "refund_application_fee", "reverse_transfer",
    ];

    private Answer CreatePaymentIntent(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, PaymentIntentParameters) is { } unknown)
        {
            return unknown;
        }

        if (Required(form, "amount", "currency") is { } missing)
        {
            return missing;
        }

        if (Amount(form, "amount") is not { } amount)
        {
            return Violation(400, "parameter_invalid_integer", "amount", $"Invalid integer: {form["amount"]}");
        }

        var currency = form["currency"].ToLowerInvariant();
        if (currency == "usd" && amount < 50)
        {
            return Error(400, "invalid_request_error", "amount_too_small", "Amount must be at least $0.50 usd", "amount");
        }

        if (amount > 99_999_999)
        {
            return Error(400, "invalid_request_error", "amount_too_large", "Amount must be no more than $999,999.99", "amount");
        }

        if (MetadataProblem(form) is { } metadataProblem)
        {
            return metadataProblem;
        }

        var customerId = Field(form, "customer");
        if (customerId is not null && Find(customerId, "customer") is null)
        {
            return Missing(400, "customer", customerId, "customer");
        }

        var paymentMethodId = Field(form, "payment_method");
        var confirm = Field(form, "confirm") == "true";
        if (confirm && paymentMethodId is null)
        {
            return Violation(400, "payment_intent_unexpected_state", "payment_method", "You cannot confirm this PaymentIntent because it's missing a payment method.");
        }

        FakeStripeTestMethod? behaviour = null;
        if (paymentMethodId is not null)
        {
            if (Find(paymentMethodId, "payment_method") is { } stored)
            {
                var owner = stored["customer"]?.GetValue<string>();
                if (owner is not null && owner != customerId)
                {
                    return Violation(400, "payment_method_unexpected_state", "payment_method", $"The provided PaymentMethod {paymentMethodId} is attached to customer {owner}; pass that customer.");
                }

                behaviour = _methodBehaviour[paymentMethodId];
            }
            else if (!FakeStripeTestMethod.ById.TryGetValue(paymentMethodId, out behaviour))
            {
                return Missing(400, "payment_method", paymentMethodId, "payment_method");
            }
        }

        var allowed = ListOf(form, "allowed_payment_method_types");
        var types = allowed.Count == 0 ? ["card"] : allowed;
        if (behaviour is not null && !types.Contains(behaviour.Type))
        {
            return Violation(400, "payment_intent_incompatible_payment_method", "payment_method", $"The PaymentMethod provided ({behaviour.Type}) is not allowed for this PaymentIntent. Allowed types: {string.Join(", ", types)}.");
        }

        var intent = FakeStripeObjects.PaymentIntent(
            NewId("pi"),
            amount,
            currency,
            customerId,
            paymentMethodId,
            confirm ? "requires_confirmation" : "requires_payment_method",
            Field(form, "transfer_group"),
            Field(form, "description"),
            MetadataOf(form),
            types);
        var intentId = intent["id"]!.GetValue<string>();
        _objects[intentId] = intent;
        if (!confirm || behaviour is null)
        {
            intent["status"] = paymentMethodId is null ? "requires_payment_method" : "requires_confirmation";
            return Ok(intent);
        }

        switch (behaviour.Behaviour)
        {
            case FakeStripeBehaviour.Succeed:
            {
                var charge = FakeStripeObjects.Charge(NewId("ch"), intent, "succeeded");
                _objects[charge["id"]!.GetValue<string>()] = charge;
                intent["status"] = "succeeded";
                intent["amount_received"] = amount;
                intent["latest_charge"] = charge["id"]!.GetValue<string>();
                return Ok(intent);
            }

            case FakeStripeBehaviour.Process:
            {
                var charge = FakeStripeObjects.Charge(NewId("py"), intent, "pending");
                _objects[charge["id"]!.GetValue<string>()] = charge;
                intent["status"] = "processing";
                intent["latest_charge"] = charge["id"]!.GetValue<string>();
                return Ok(intent);
            }

            case FakeStripeBehaviour.RequireAction:
                intent["status"] = "requires_action";
                intent["next_action"] = new JsonObject
                {
                    ["type"] = "use_stripe_sdk",
                    ["use_stripe_sdk"] = new JsonObject { ["type"] = "three_d_secure_redirect", ["stripe_js"] = $"https://hooks.stripe.com/3d_secure_2/hosted?payment_intent={intentId}" },
                };
                return Ok(intent);

            default:
            {
                var charge = FakeStripeObjects.Charge(NewId("ch"), intent, "failed");
                _objects[charge["id"]!.GetValue<string>()] = charge;
                var message = behaviour.DeclineCode == "insufficient_funds" ? "Your card has insufficient funds." : "Your card was declined.";
                intent["status"] = "requires_payment_method";
                intent["latest_charge"] = charge["id"]!.GetValue<string>();
                intent["last_payment_error"] = new JsonObject
                {
                    ["type"] = "card_error",
                    ["code"] = "card_declined",
                    ["decline_code"] = behaviour.DeclineCode,
                    ["charge"] = charge["id"]!.GetValue<string>(),
                    ["message"] = message,
                    ["doc_url"] = "https://stripe.com/docs/error-codes/card-declined",
                };
                var error = new JsonObject
                {
                    ["type"] = "card_error",
                    ["code"] = "card_declined",
                    ["decline_code"] = behaviour.DeclineCode,
                    ["charge"] = charge["id"]!.GetValue<string>(),
                    ["message"] = message,
                    ["doc_url"] = "https://stripe.com/docs/error-codes/card-declined",
                    ["payment_intent"] = intent.DeepClone(),
                    ["payment_method"] = paymentMethodId is not null && Find(paymentMethodId, "payment_method") is { } pm ? pm.DeepClone() : null,
                };
                return new Answer(402, new JsonObject { ["error"] = error }.ToJsonString(), "card_declined", NewRequestId());
            }
        }
    }

    private Answer ListPaymentIntents(Dictionary<string, string> query)
    {
        var intents = _objects.Values
            .Where(o => o["object"]?.GetValue<string>() == "payment_intent")
            .Where(i => !query.TryGetValue("customer", out var customer) || i["customer"]?.GetValue<string>() == customer)
            .Reverse()
            .ToList();
        var page = FakeStripeObjects.List("/v1/payment_intents", [.. intents.Take(100).Select(i => (JsonObject)i.DeepClone())]);
        page["has_more"] = intents.Count > 100;
        return new Answer(200, page.ToJsonString(), null, NewRequestId());
    }

    private Answer ListRefunds(Dictionary<string, string> query)
    {
        var refunds = _objects.Values
            .Where(o => o["object"]?.GetValue<string>() == "refund")
            .Where(r => !query.TryGetValue("charge", out var charge) || r["charge"]?.GetValue<string>() == charge)
            .Reverse()
            .Select(r => (JsonObject)r.DeepClone())
            .ToList();
        return new Answer(200, FakeStripeObjects.List("/v1/refunds", [.. refunds]).ToJsonString(), null, NewRequestId());
    }

    private Answer CreateRefund(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, RefundParameters) is { } unknown)
        {
            return unknown;
        }

        var chargeId = Field(form, "charge");
        if (chargeId is null || Find(chargeId, "charge") is not { } charge || charge["status"]?.GetValue<string>() != "succeeded")
        {
            return Violation(400, "resource_missing", "charge", $"No such charge: '{chargeId}'.");
        }

        var available = charge["amount"]!.GetValue<long>() - _objects.Values
            .Where(o => o["object"]?.GetValue<string>() == "refund" && o["charge"]?.GetValue<string>() == chargeId)
            .Sum(r => r["amount"]!.GetValue<long>());
        var amount = Amount(form, "amount") ?? available;
        if (amount <= 0 || amount > available)
        {
            return Violation(400, "charge_already_refunded", "amount", $"Charge {chargeId} has {available} left to refund; asked {amount}.");
        }

        var refund = new JsonObject
        {
            ["id"] = NewId("re"),
            ["object"] = "refund",
            ["amount"] = amount,
            ["charge"] = chargeId,
            ["currency"] = charge["currency"]!.GetValue<string>(),
            ["created"] = FakeStripeObjects.Now,
            ["metadata"] = MetadataOf(form),
            ["payment_intent"] = charge["payment_intent"]?.DeepClone(),
            ["reason"] = Field(form, "reason"),
            ["status"] = "succeeded",
        };
        return Created(refund);
    }
}
