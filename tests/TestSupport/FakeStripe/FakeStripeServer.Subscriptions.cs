namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>Subscriptions of the paid plans.</summary>
public sealed partial class FakeStripeServer
{
    private static readonly string[] SubscriptionParameters =
    [
        "add_invoice_items", "application_fee_percent", "automatic_tax", "backdate_start_date", "billing_cycle_anchor", "billing_mode", "billing_thresholds",
        "cancel_at", "cancel_at_period_end", "collection_method", "currency", "customer", "days_until_due", "default_payment_method", "default_source",
        "default_tax_rates", "description", "discounts", "expand", "invoice_settings", "items", "metadata", "off_session", "on_behalf_of",
        "payment_behavior", "payment_settings", "pending_invoice_item_interval", "proration_behavior", "transfer_data", "trial_end",
        "trial_from_plan", "trial_period_days", "trial_settings",
    ];

    private Answer CreateSubscription(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, SubscriptionParameters) is { } unknown)
        {
            return unknown;
        }

        if (Required(form, "customer", "items[0][price]") is { } missing)
        {
            return missing;
        }

        var behaviour = Field(form, "payment_behavior") ?? "allow_incomplete";
        if (behaviour is not ("allow_incomplete" or "default_incomplete" or "error_if_incomplete" or "pending_if_incomplete"))
        {
            return Violation(400, "parameter_invalid_string", "payment_behavior", $"Invalid payment_behavior: {behaviour}.");
        }

        var customerId = form["customer"];
        if (Find(customerId, "customer") is not { } customer)
        {
            return Missing(400, "customer", customerId, "customer");
        }

        var price = form["items[0][price]"];
        if (!price.StartsWith("price_", StringComparison.Ordinal))
        {
            return Missing(400, "price", price, "items[0][price]");
        }

        var defaultMethod = Field(form, "default_payment_method") ?? customer["invoice_settings"]?["default_payment_method"]?.GetValue<string>();
        if (defaultMethod is null && behaviour != "default_incomplete")
        {
            return Error(400, "invalid_request_error", "resource_missing", "This customer has no attached payment source or default payment method. Please consider adding a default payment method.", "customer");
        }

        var pays = defaultMethod is not null && _methodBehaviour.TryGetValue(defaultMethod, out var method) && method.Behaviour == FakeStripeBehaviour.Succeed;
        var status = NextSubscriptionStatus ?? (pays ? "active" : "incomplete");
        var metadata = MetadataOf(form);
        var subscriptionId = NewId("sub");
        var invoice = FakeStripeObjects.SubscriptionInvoice(NewId("in"), customerId, subscriptionId, metadata, 4900, paid: status == "active");
        _objects[invoice["id"]!.GetValue<string>()] = invoice;
        var subscription = FakeStripeObjects.Subscription(subscriptionId, customerId, price, status, metadata, invoice["id"]!.GetValue<string>());
        return Created(subscription);
    }

    private Answer CancelSubscription(string id, Dictionary<string, string> form)
    {
        if (UnknownParameter(form, ["cancellation_details", "expand", "invoice_now", "prorate"]) is { } unknown)
        {
            return unknown;
        }

        if (Find(id, "subscription") is not { } subscription)
        {
            return Missing(404, "subscription", id, null);
        }

        subscription["status"] = "canceled";
        subscription["canceled_at"] = FakeStripeObjects.Now;
        subscription["ended_at"] = FakeStripeObjects.Now;
        return Ok(subscription);
    }
}
