using System.Text.Json;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Infrastructure.Payments.Simulator;

/// <summary>
/// What happens at the simulated provider outside our calls, and the events it records for it, as Stripe does:
/// a dispute (<c>pm_card_createDispute</c>, then evidence <c>winning_evidence</c> / <c>losing_evidence</c>), a
/// reversal, a subscription's invoice cycle (a test clock's advance; <c>pm_card_chargeCustomerFail</c> fails it),
/// a 3-D Secure retried after a failure. Its events are delivered through the same handling as Stripe's webhooks
/// (<see cref="ApplyProviderEventCommand"/>): by the simulator's pages at once, and by reconciliation's sweep, which
/// lists them like Stripe's <c>GET /v1/events</c>.
/// </summary>
public sealed partial class PaymentSimulator
{
    /// <summary>A payout whose cents are .77 finds the platform balance short once (retrying, then paid).</summary>
    public const long BalanceInsufficientCents = 77;

    /// <summary>The simulated plans' monthly prices.</summary>
    public static readonly IReadOnlyDictionary<string, long> PlanPrices = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["agency"] = 4_900,
        ["recruiting"] = 9_900,
    };

    private static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Every event recorded from <paramref name="since"/> on, oldest first, in one read: the simulator has no rate limit, so
    /// its page is never truncated and it makes no cursor; a <paramref name="continueAfter"/> (never one of its own) changes
    /// nothing but costs a re-read the inbox skips.
    /// </summary>
    public Task<ProviderEventPage> ListEventsAsync(DateTimeOffset since, string? continueAfter, CancellationToken cancellationToken) =>
        Task.FromResult(ProviderEventPage.Complete([.. store.EventsSince(since).Select(e => new RecordedProviderEvent(Read(e), e.CreatedAt))]));

    /// <summary>
    /// Takes the events not yet handed to the webhook handling, oldest first: each is taken by one delivery only, as
    /// Stripe sends each event once to an endpoint. One the handling could not apply goes back with <see cref="ReturnUndelivered"/>.
    /// </summary>
    public IReadOnlyList<ProviderEvent> TakeUndeliveredEvents() => [.. store.TakeUndeliveredEvents().Select(Read)];

    /// <summary>An event taken for delivery and not applied: the next delivery (or reconciliation's sweep) applies it.</summary>
    public void ReturnUndelivered(string eventId) => store.ReturnEvent(eventId);

    public IReadOnlyList<SimDispute> Disputes() => store.List<SimDispute>("dispute");

    public SimSubscription? FindSubscription(string id) => store.Get<SimSubscription>(id);

    public SimTransfer? FindTransfer(string id) => store.Get<SimTransfer>(id);

    /// <summary>The disputed charge's evidence decides it: <c>winning_evidence</c> wins, <c>losing_evidence</c> loses (Stripe's test values).</summary>
    public SimDispute? SubmitDisputeEvidence(string disputeId, string evidence)
    {
        var dispute = store.Get<SimDispute>(disputeId);
        if (dispute is null || dispute.Status is "won" or "lost")
        {
            return dispute;
        }

        var status = evidence switch
        {
            "winning_evidence" => "won",
            "losing_evidence" => "lost",
            _ => null,
        };
        if (status is null)
        {
            return dispute;
        }

        dispute = dispute with { Status = status };
        store.Put("dispute", dispute.Id, dispute);
        Emit(id => new DisputeChanged(id, "charge.dispute.closed", dispute.ChargeId, dispute.Id, Closed: true, status));
        return dispute;
    }

    /// <summary>The platform takes a transfer back (done in Stripe's dashboard).</summary>
    public SimTransfer? ReverseTransfer(string transferId)
    {
        var transfer = store.Get<SimTransfer>(transferId);
        if (transfer is not null)
        {
            Emit(id => new TransferReversed(id, "transfer.reversed", transfer.Id, transfer.Amount));
        }

        return transfer;
    }

    /// <summary>
    /// A test clock's advance to the subscription's next period: its next invoice is charged to the customer's
    /// default payment method, paid (<c>invoice.paid</c>) or failed (<c>invoice.payment_failed</c>, the subscription past due).
    /// </summary>
    public SimSubscription? AdvanceSubscription(string subscriptionId)
    {
        var subscription = store.Get<SimSubscription>(subscriptionId);
        if (subscription is null || subscription.Status is not ("active" or "past_due"))
        {
            return subscription;
        }

        var customer = store.Get<SimCustomer>(subscription.CustomerId)!;
        var pays = Behaviour(customer) is SimulatedChargeBehaviour.Succeeds or SimulatedChargeBehaviour.SucceedsThenDisputed;
        EmitInvoice(subscription, NewId("in"), pays);
        var status = pays ? "active" : "past_due";
        if (status != subscription.Status)
        {
            subscription = subscription with { Status = status };
            store.Put("subscription", subscription.Id, subscription);
            EmitSubscription(subscription, "customer.subscription.updated");
        }

        return subscription;
    }

    private SimSubscription ChargeFirstInvoice(SimSubscription subscription, SimCustomer customer)
    {
        var invoiceId = NewId("in");
        switch (Behaviour(customer))
        {
            case SimulatedChargeBehaviour.Succeeds or SimulatedChargeBehaviour.SucceedsThenDisputed:
                subscription = subscription with { Status = "active" };
                store.Put("subscription", subscription.Id, subscription);
                EmitSubscription(subscription, "customer.subscription.created");
                EmitInvoice(subscription, invoiceId, paid: true);
                break;
            case SimulatedChargeBehaviour.RequiresAction:
                // The first payment waits for 3-D Secure: Stripe.js confirms the invoice's PaymentIntent with its client secret.
                var intentId = NewId("pi");
                var intent = new SimPaymentIntent(intentId, PlanPrices.GetValueOrDefault(subscription.Plan, 4_900), "USD", customer.Id, customer.PaymentMethods[^1],
                    "requires_action", null, $"{intentId}_secret_{RandomToken(12)}", null, null, subscription.Id,
                    new Dictionary<string, string> { ["subscription_id"] = subscription.Id, ["invoice_id"] = invoiceId });
                store.Put("payment_intent", intent.Id, intent);
                subscription = subscription with { PendingPaymentIntentId = intent.Id };
                store.Put("subscription", subscription.Id, subscription);
                EmitSubscription(subscription, "customer.subscription.created");
                break;
            default:
                EmitSubscription(subscription, "customer.subscription.created");
                EmitInvoice(subscription, invoiceId, paid: false);
                break;
        }

        return subscription;
    }

    /// <summary>The subscription's first payment, confirmed (or failed) on the 3-D Secure page.</summary>
    private void SettleSubscriptionPayment(string subscriptionId, SimPaymentIntent intent)
    {
        var subscription = store.Get<SimSubscription>(subscriptionId);
        if (subscription is null || subscription.Status != "incomplete")
        {
            return;
        }

        var paid = intent.Status == "succeeded";
        EmitInvoice(subscription, intent.Metadata.GetValueOrDefault("invoice_id") ?? NewId("in"), paid);
        if (paid)
        {
            subscription = subscription with { Status = "active", PendingPaymentIntentId = null };
            store.Put("subscription", subscription.Id, subscription);
            EmitSubscription(subscription, "customer.subscription.updated");
        }
    }

    private SubscriptionResult ToSubscriptionResult(SimSubscription subscription) => new(
        subscription.Id,
        Stripe.StripeStatuses.Subscription(subscription.Status),
        subscription is { Status: "incomplete", PendingPaymentIntentId: { } pending } ? store.Get<SimPaymentIntent>(pending)?.ClientSecret : null);

    private static SimulatedChargeBehaviour? Behaviour(SimCustomer customer) =>
        customer.PaymentMethods.Count > 0 && SimulatedPaymentMethods.All.TryGetValue(customer.PaymentMethods[^1], out var method) ? method.Behaviour : null;

    private void OpenDispute(SimPaymentIntent intent)
    {
        var dispute = new SimDispute(NewId("dp"), intent.ChargeId!, intent.Id, intent.Amount, "needs_response");
        store.Put("dispute", dispute.Id, dispute);
        Emit(id => new DisputeChanged(id, "charge.dispute.created", dispute.ChargeId, dispute.Id, Closed: false, dispute.Status));
    }

    private void EmitIntent(SimPaymentIntent intent)
    {
        if (intent.Metadata.ContainsKey("subscription_id"))
        {
            return;
        }

        var type = intent.Status switch
        {
            "succeeded" => "payment_intent.succeeded",
            "processing" => "payment_intent.processing",
            "requires_action" => "payment_intent.requires_action",
            _ => "payment_intent.payment_failed",
        };
        Emit(id => new PaymentIntentChanged(id, type, ToResult(intent), intent.Metadata, intent.Amount));
    }

    private void EmitSubscription(SimSubscription subscription, string type) =>
        Emit(id => new SubscriptionChanged(id, type, subscription.CustomerId, subscription.Id, Stripe.StripeStatuses.Subscription(subscription.Status), PlanOf(subscription)));

    private void EmitInvoice(SimSubscription subscription, string invoiceId, bool paid) =>
        Emit(id => new SubscriptionInvoiceChanged(
            id, paid ? "invoice.paid" : "invoice.payment_failed", subscription.CustomerId, invoiceId, PlanPrices.GetValueOrDefault(subscription.Plan, 4_900), "USD", paid, PlanOf(subscription)));

    private static BillingPlan? PlanOf(SimSubscription subscription) =>
        Enum.TryParse<BillingPlan>(subscription.Plan, ignoreCase: true, out var plan) ? plan : null;

    private void Emit(Func<string, ProviderEvent> create)
    {
        var providerEvent = create(NewId("evt"));
        store.AddEvent(new SimEvent(
            providerEvent.EventId, providerEvent.Type, clock.GetUtcNow(), providerEvent.GetType().Name, JsonSerializer.Serialize(providerEvent, providerEvent.GetType(), EventJson), Delivered: false));
    }

    private static ProviderEvent Read(SimEvent recorded)
    {
        var type = typeof(ProviderEvent).Assembly.GetType($"{typeof(ProviderEvent).Namespace}.{recorded.Kind}")
            ?? throw new InvalidOperationException($"Simulated event {recorded.Id} is of an unknown kind {recorded.Kind}.");
        return (ProviderEvent)JsonSerializer.Deserialize(recorded.Payload, type, EventJson)!;
    }
}

/// <summary>An event the simulated provider recorded, as Stripe keeps its events; delivered once to our webhook handling.</summary>
public sealed record SimEvent(string Id, string Type, DateTimeOffset CreatedAt, string Kind, string Payload, bool Delivered);

public sealed record SimDispute(string Id, string ChargeId, string PaymentIntentId, long Amount, string Status);
