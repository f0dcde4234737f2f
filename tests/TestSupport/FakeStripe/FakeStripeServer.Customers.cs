using System.Text.Json.Nodes;

namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>Customers, payment methods and setup intents.</summary>
public sealed partial class FakeStripeServer
{
    private static readonly string[] CustomerParameters =
    [
        "address", "balance", "cash_balance", "description", "email", "expand", "invoice_prefix", "invoice_settings", "metadata", "name",
        "next_invoice_sequence", "payment_method", "phone", "preferred_locales", "shipping", "source", "tax", "tax_exempt", "tax_id_data", "test_clock",
    ];

    private static readonly string[] SetupIntentParameters =
    [
        "allowed_payment_method_types", "attach_to_self", "automatic_payment_methods", "confirm", "confirmation_token", "customer", "description",
        "excluded_payment_method_types", "expand", "flow_directions", "mandate_data", "metadata", "on_behalf_of", "payment_method",
        "payment_method_configuration", "payment_method_data", "payment_method_options", "return_url", "single_use", "usage", "use_stripe_sdk",
    ];

    private Answer CreateCustomer(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, CustomerParameters) is { } unknown)
        {
            return unknown;
        }

        var customer = FakeStripeObjects.Customer(NewId("cus"), Field(form, "name"), Field(form, "email"), MetadataOf(form));
        return Created(customer);
    }

    private Answer UpdateCustomer(string id, Dictionary<string, string> form)
    {
        if (UnknownParameter(form, [.. CustomerParameters, "default_source"]) is { } unknown)
        {
            return unknown;
        }

        if (Find(id, "customer") is not { } customer)
        {
            return Missing(404, "customer", id, null);
        }

        if (Field(form, "invoice_settings[default_payment_method]") is { } defaultMethod)
        {
            if (Find(defaultMethod, "payment_method") is not { } method || method["customer"]?.GetValue<string>() != id)
            {
                return Violation(400, "resource_missing", "invoice_settings[default_payment_method]", $"The customer does not have a payment method with the ID {defaultMethod}. The payment method must be attached to the customer.");
            }

            customer["invoice_settings"]!["default_payment_method"] = defaultMethod;
        }

        foreach (var name in new[] { "name", "email", "description" })
        {
            if (Field(form, name) is { } value)
            {
                customer[name] = value;
            }
        }

        foreach (var (key, value) in MetadataOf(form))
        {
            customer["metadata"]![key] = value?.DeepClone();
        }

        return Ok(customer);
    }

    private Answer AttachPaymentMethod(string id, Dictionary<string, string> form)
    {
        if (UnknownParameter(form, ["customer", "expand"]) is { } unknown)
        {
            return unknown;
        }

        if (Field(form, "customer") is not { } customerId)
        {
            return Violation(400, "parameter_missing", "customer", "Missing required param: customer.");
        }

        if (Find(customerId, "customer") is null)
        {
            return Missing(400, "customer", customerId, "customer");
        }

        if (FakeStripeTestMethod.ById.TryGetValue(id, out var testMethod))
        {
            // A test id stands for a card number: attaching it makes a new PaymentMethod with an id of its own.
            var attached = FakeStripeObjects.PaymentMethod(NewId("pm"), testMethod, customerId);
            _methodBehaviour[attached["id"]!.GetValue<string>()] = testMethod;
            return Created(attached);
        }

        if (Find(id, "payment_method") is not { } existing)
        {
            return Missing(404, "payment_method", id, null);
        }

        var owner = existing["customer"]?.GetValue<string>();
        if (owner is not null && owner != customerId)
        {
            return Error(400, "invalid_request_error", "payment_method_unexpected_state", "The payment method you provided has already been attached to a customer.");
        }

        existing["customer"] = customerId;
        return Ok(existing);
    }

    private Answer CreateSetupIntent(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, SetupIntentParameters) is { } unknown)
        {
            return unknown;
        }

        var customerId = Field(form, "customer");
        if (customerId is not null && Find(customerId, "customer") is null)
        {
            return Missing(400, "customer", customerId, "customer");
        }

        var usage = Field(form, "usage") ?? "off_session";
        if (usage is not ("on_session" or "off_session"))
        {
            return Violation(400, "parameter_invalid_string", "usage", $"Invalid usage: must be one of on_session or off_session, got {usage}.");
        }

        var types = ListOf(form, "allowed_payment_method_types");
        var id = NewId("seti");
        var intent = new JsonObject
        {
            ["id"] = id,
            ["object"] = "setup_intent",
            ["client_secret"] = $"{id}_secret_{FakeStripeObjects.Suffix(id)}",
            ["created"] = FakeStripeObjects.Now,
            ["customer"] = customerId,
            ["livemode"] = false,
            ["metadata"] = MetadataOf(form),
            ["payment_method"] = null,
            ["payment_method_types"] = FakeStripeObjects.Strings(types.Count == 0 ? ["card"] : types),
            ["status"] = "requires_payment_method",
            ["usage"] = usage,
        };
        return Created(intent);
    }
}
