using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>What happens at Stripe outside our calls (a customer, a bank, a cardholder): the tests make it happen.</summary>
public sealed partial class FakeStripeServer
{
    /// <summary>The trainer finished hosted onboarding: payouts enabled, transfers active, nothing due.</summary>
    public JsonObject EnableAccount(string accountId)
    {
        lock (_gate)
        {
            var account = Stored(accountId);
            account["payouts_enabled"] = true;
            account["charges_enabled"] = false;
            account["details_submitted"] = true;
            account["capabilities"] = new JsonObject { ["transfers"] = "active" };
            account["requirements"] = FakeStripeObjects.Requirements([]);
            return (JsonObject)account.DeepClone();
        }
    }

    /// <summary>The customer completed 3-D Secure, or the bank debit settled: the intent succeeds with a charge.</summary>
    public JsonObject SucceedPaymentIntent(string paymentIntentId)
    {
        lock (_gate)
        {
            var intent = Stored(paymentIntentId);
            if (intent["latest_charge"]?.GetValue<string>() is { } pendingId && Stored(pendingId) is var pending && pending["status"]?.GetValue<string>() == "pending")
            {
                // A bank debit settles: its pending charge succeeds.
                pending["status"] = "succeeded";
                pending["paid"] = true;
                pending["captured"] = true;
                pending["amount_captured"] = pending["amount"]!.GetValue<long>();
            }
            else
            {
                var created = FakeStripeObjects.Charge(NewId("ch"), intent, "succeeded");
                _objects[created["id"]!.GetValue<string>()] = created;
                intent["latest_charge"] = created["id"]!.GetValue<string>();
            }

            intent["status"] = "succeeded";
            intent["amount_received"] = intent["amount"]!.GetValue<long>();
            intent["next_action"] = null;
            intent["last_payment_error"] = null;
            return (JsonObject)intent.DeepClone();
        }
    }

    /// <summary>The payment failed after the fact (3-D Secure refused, bank debit returned).</summary>
    public JsonObject FailPaymentIntent(string paymentIntentId, string declineCode = "generic_decline")
    {
        lock (_gate)
        {
            var intent = Stored(paymentIntentId);
            intent["status"] = "requires_payment_method";
            intent["next_action"] = null;
            intent["last_payment_error"] = new JsonObject
            {
                ["type"] = "card_error",
                ["code"] = "card_declined",
                ["decline_code"] = declineCode,
                ["message"] = "Your card was declined.",
            };
            return (JsonObject)intent.DeepClone();
        }
    }

    /// <summary>The cardholder disputes the charge (a chargeback): a dispute in <paramref name="status"/>.</summary>
    public JsonObject OpenDispute(string chargeId, string status = "needs_response")
    {
        lock (_gate)
        {
            var charge = Stored(chargeId);
            charge["disputed"] = true;
            var dispute = FakeStripeObjects.Dispute(NewId("dp"), charge, status);
            _objects[dispute["id"]!.GetValue<string>()] = dispute;
            return (JsonObject)dispute.DeepClone();
        }
    }

    public JsonObject CloseDispute(string disputeId, string status)
    {
        lock (_gate)
        {
            var dispute = Stored(disputeId);
            dispute["status"] = status;
            return (JsonObject)dispute.DeepClone();
        }
    }

    public JsonObject SetSubscriptionStatus(string subscriptionId, string status)
    {
        lock (_gate)
        {
            var subscription = Stored(subscriptionId);
            subscription["status"] = status;
            return (JsonObject)subscription.DeepClone();
        }
    }

    /// <summary>The subscription's latest invoice is paid (or fails); returns the invoice.</summary>
    public JsonObject SettleLatestInvoice(string subscriptionId, bool paid = true)
    {
        lock (_gate)
        {
            var subscription = Stored(subscriptionId);
            var invoice = Stored(subscription["latest_invoice"]!.GetValue<string>());
            var amount = invoice["amount_due"]!.GetValue<long>();
            invoice["status"] = paid ? "paid" : "open";
            invoice["amount_paid"] = paid ? amount : 0;
            invoice["amount_remaining"] = paid ? 0 : amount;
            return (JsonObject)invoice.DeepClone();
        }
    }

    /// <summary>
    /// Stripe records an event, at <paramref name="created"/>: GET /v1/events lists it from now on, whether or not its
    /// webhook is ever delivered. Returns its id and the JSON to deliver.
    /// </summary>
    public (string Id, string Json) RecordEvent(string type, JsonObject dataObject, DateTimeOffset created)
    {
        var (id, json) = FakeStripeEvents.Create(type, dataObject, created: created);
        lock (_gate)
        {
            _objects[id] = JsonNode.Parse(json)!.AsObject();
        }

        return (id, json);
    }

    /// <summary>GET /v1/events: the events this fake recorded (none unless a test records them), newest first, filtered like Stripe's.</summary>
    private Answer ListEvents(Dictionary<string, string> query)
    {
        var since = query.TryGetValue("created[gte]", out var gte) && long.TryParse(gte, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
        var types = query.Where(q => q.Key.StartsWith("types[", StringComparison.Ordinal)).Select(q => q.Value).ToHashSet(StringComparer.Ordinal);
        var events = _objects.Values
            .Where(o => o["object"]?.GetValue<string>() == "event")
            .Where(e => e["created"]!.GetValue<long>() >= since && (types.Count == 0 || types.Contains(e["type"]!.GetValue<string>())))
            .Reverse()
            .Select(e => (JsonObject)e.DeepClone())
            .ToList();
        var page = FakeStripeObjects.List("/v1/events", [.. events]);
        return new Answer(200, page.ToJsonString(), null, NewRequestId());
    }
}
