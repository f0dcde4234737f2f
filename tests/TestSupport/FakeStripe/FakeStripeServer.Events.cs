using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>What happens at Stripe outside our calls (a customer, a bank, a cardholder): the tests make it happen.</summary>
public sealed partial class FakeStripeServer
{
    /// <summary>What GET /v1/events takes here (Stripe takes more; one this fake does not honour is refused, never ignored).</summary>
    private static readonly string[] EventListParameters = ["created", "limit", "starting_after", "types"];

    private static readonly string[] CreatedBounds = ["created[gte]", "created[gt]", "created[lte]", "created[lt]"];

    /// <summary>The recorded events' ids, in the order they were recorded.</summary>
    private readonly List<string> _eventOrder = [];

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
            _eventOrder.Add(id);
        }

        return (id, json);
    }

    /// <summary>
    /// GET /v1/events like Stripe's: the events this fake recorded (none unless a test records them), newest first (by
    /// <c>created</c>, then the later recorded first: a total order, so <c>starting_after</c> skips none of one second),
    /// filtered by <c>created[gte|gt|lte|lt]</c> and <c>types[]</c>, at most <c>limit</c> (1 to 100, default 10) a page
    /// with <c>has_more</c>. A parameter this fake does not honour, a limit out of range or an unknown
    /// <c>starting_after</c> is a 400 the caller sees and a violation.
    /// </summary>
    private Answer ListEvents(Dictionary<string, string> query)
    {
        foreach (var key in query.Keys)
        {
            if (!EventListParameters.Contains(key.Split('[')[0], StringComparer.Ordinal)
                || (key.StartsWith("created[", StringComparison.Ordinal) && !CreatedBounds.Contains(key, StringComparer.Ordinal)))
            {
                return Violation(400, "parameter_unknown", key, $"Received unknown parameter: {key}");
            }
        }

        long? Bound(string name) => query.TryGetValue(name, out var value) ? long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : null;
        var (gte, gt, lte, lt) = (Bound("created[gte]"), Bound("created[gt]"), Bound("created[lte]"), Bound("created[lt]"));
        var limit = query.TryGetValue("limit", out var asked) ? int.Parse(asked, NumberStyles.None, CultureInfo.InvariantCulture) : 10;
        if (limit is < 1 or > 100)
        {
            return Violation(400, "parameter_invalid_integer", "limit", "This value must be greater than or equal to 1 and less than or equal to 100.");
        }

        var types = query.Where(q => q.Key.StartsWith("types[", StringComparison.Ordinal)).Select(q => q.Value).ToHashSet(StringComparer.Ordinal);
        var events = _eventOrder
            .Select((id, recorded) => (Event: _objects[id], Recorded: recorded))
            .Select(e => (e.Event, e.Recorded, Created: e.Event["created"]!.GetValue<long>()))
            .Where(e => (gte is null || e.Created >= gte) && (gt is null || e.Created > gt) && (lte is null || e.Created <= lte) && (lt is null || e.Created < lt))
            .Where(e => types.Count == 0 || types.Contains(e.Event["type"]!.GetValue<string>()))
            .OrderByDescending(e => e.Created)
            .ThenByDescending(e => e.Recorded)
            .Select(e => e.Event)
            .ToList();
        if (query.TryGetValue("starting_after", out var after))
        {
            var index = events.FindIndex(e => e["id"]!.GetValue<string>() == after);
            if (index < 0)
            {
                return Violation(400, "resource_missing", "starting_after", $"No such event: '{after}'");
            }

            events = events[(index + 1)..];
        }

        var page = FakeStripeObjects.List("/v1/events", [.. events.Take(limit).Select(e => (JsonObject)e.DeepClone())]);
        page["has_more"] = events.Count > limit;
        return new Answer(200, page.ToJsonString(), null, NewRequestId());
    }
}
