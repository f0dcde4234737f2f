using System.Net;
using System.Text.Json.Nodes;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Api.FunctionalTests.Stripe.Invariant;

/// <summary>
/// One random sequence played against the API and the fake Stripe server: a new employer with two milestones on one
/// contract (the first funded at hire, the second not yet). Whatever happens at Stripe is recorded there as an event
/// (GET /v1/events lists it) and waits to be delivered as a signed webhook, in order, out of order, twice or never.
/// </summary>
public sealed class MoneyWorld
{
    private static readonly Dictionary<PayWith, string> PaymentMethods = new()
    {
        [PayWith.Visa] = "pm_card_visa",
        [PayWith.Declined] = "pm_card_chargeDeclined",
        [PayWith.ThreeDSecure] = "pm_card_authenticationRequired",
        [PayWith.BankDebit] = "pm_usBankAccount",
    };

    private readonly MoneyInvariantHost _host;
    private readonly List<(string Id, string Json)> _waiting = [];
    private readonly List<(string Id, string Json)> _delivered = [];
    private readonly Dictionary<string, string> _seenIntents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenRefunds = new(StringComparer.Ordinal);

    private MoneyWorld(MoneyInvariantHost host, Actor employer, Guid[] milestones)
    {
        _host = host;
        Employer = employer;
        Milestones = milestones;
    }

    public Actor Employer { get; }

    public IReadOnlyList<Guid> Milestones { get; }

    private ApiClient Api => _host.Client;

    private FakeStripeServer Stripe => _host.Stripe;

    public static async Task<MoneyWorld> StartAsync(MoneyInvariantHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var employer = await host.Client.EmployerAsync("pm_card_visa", name: "Ada Employer", email: "ada@example.test");
        var hired = await host.Client.HireOnNewJobAsync(employer, host.Trainer);
        var second = await host.Client.AddMilestoneAsync(employer, hired.ContractId);
        var world = new MoneyWorld(host, employer, [hired.MilestoneId, second]);

        // The hire's own events arrive before the sequence starts: its steps are about what happens next.
        world.ObserveStripe();
        while (world._waiting.Count > 0)
        {
            await world.DeliverAsync(new MoneyStep.Deliver(Delivery.Next, 0));
        }

        return world;
    }

    public async Task RunAsync(MoneyStep step)
    {
        switch (step)
        {
            case MoneyStep.Fund fund:
                await FundAsync(fund);
                break;
            case MoneyStep.CustomerActs acts:
                CustomerActs(acts);
                break;
            case MoneyStep.Approve approve:
                await ExpectHandledAsync(await Api.PostAsync($"/api/v1/milestones/{Milestones[approve.Milestone]}/submit", _host.Trainer, new { note = "done" }));
                await ExpectHandledAsync(await Api.ApproveAsync(Employer, Milestones[approve.Milestone], Guid.NewGuid().ToString()));
                break;
            case MoneyStep.Refund refund:
                await ExpectHandledAsync(await Api.RefundAsync(_host.Admin, Milestones[refund.Milestone], Guid.NewGuid().ToString()));
                break;
            case MoneyStep.Deliver deliver:
                await DeliverAsync(deliver);
                break;
            case MoneyStep.Reconcile reconcile:
                _host.Factory.Clock.Advance(TimeSpan.FromMinutes(reconcile.Minutes));
                await _host.Factory.RunReconciliationJobAsync();
                break;
            case MoneyStep.PayoutRun run:
                _host.Factory.Clock.Advance(TimeSpan.FromMinutes(run.Minutes));
                await _host.Factory.DrainOutboxAsync();
                await _host.Factory.RunPayoutJobAsync();
                await _host.Factory.DrainOutboxAsync();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, null);
        }

        ObserveStripe();
    }

    /// <summary>
    /// What the operators' jobs do given time, with no more webhooks (a dropped one stays dropped): reconciliation
    /// (asking about fundings in flight and sweeping Stripe's event list), the outbox and the payout job.
    /// </summary>
    public async Task SettleAsync()
    {
        // An attempt Stripe never answers is given up after Funding:UnknownChecksBeforeGivingUp rounds, one check each.
        var lastRound = new Application.Common.FundingOptions().UnknownChecksBeforeGivingUp + 2;
        for (var round = 0; round < 6 || (round < lastRound && await AnyFundingInFlightAsync()); round++)
        {
            _host.Factory.Clock.Advance(TimeSpan.FromHours(2));
            await _host.Factory.RunReconciliationJobAsync();
            await _host.Factory.DrainOutboxAsync();
            await _host.Factory.RunPayoutJobAsync();
            await _host.Factory.DrainOutboxAsync();
            ObserveStripe();
        }
    }

    private async Task<bool> AnyFundingInFlightAsync()
    {
        foreach (var id in Milestones)
        {
            if ((await _host.Factory.LoadMilestoneAsync(id)).Status == Domain.Milestones.MilestoneStatus.Funding)
            {
                return true;
            }
        }

        return false;
    }

    private async Task FundAsync(MoneyStep.Fund fund)
    {
        await Api.AttachPaymentMethodAsync(Employer, PaymentMethods[fund.With]);
        if (fund.Fault != ProviderFault.None)
        {
            Stripe.FailNext(fund.Fault == ProviderFault.ServerError ? FakeStripeFailure.ApiError : FakeStripeFailure.Hang, "POST", "/v1/payment_intents");
        }

        var response = await Api.FundAsync(Employer, Milestones[fund.Milestone], Guid.NewGuid().ToString());
        Stripe.ClearFailures();
        await ExpectHandledAsync(response);
    }

    private void CustomerActs(MoneyStep.CustomerActs acts)
    {
        var intents = IntentsOf(Milestones[acts.Milestone]);
        if (intents.Count == 0)
        {
            return;
        }

        var intent = intents[acts.Intent % intents.Count];
        var id = intent["id"]!.GetValue<string>();
        switch (intent["status"]!.GetValue<string>(), acts.Succeeds)
        {
            case ("requires_action" or "processing", true):
            case ("requires_payment_method", true):
                // Completed, settled, or confirmed again in Stripe.js with the first answer's client secret.
                Stripe.SucceedPaymentIntent(id);
                break;
            case ("requires_action" or "processing", false):
                Stripe.FailPaymentIntent(id);
                break;
        }
    }

    private async Task DeliverAsync(MoneyStep.Deliver deliver)
    {
        (string Id, string Json) next;
        switch (deliver.How)
        {
            case Delivery.Duplicated when _delivered.Count > 0:
                next = _delivered[deliver.Pick % _delivered.Count];
                break;
            case Delivery.Dropped when _waiting.Count > 0:
                _waiting.RemoveAt(0);
                return;
            case Delivery.Next or Delivery.Reordered when _waiting.Count > 0:
                next = _waiting[deliver.How == Delivery.Next ? 0 : deliver.Pick % _waiting.Count];
                _waiting.Remove(next);
                break;
            default:
                return;
        }

        using var response = await _host.DeliverSignedAsync(next.Json);
        var body = await response.Content.ReadAsStringAsync();
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                _delivered.Add(next);
                break;
            case HttpStatusCode.ServiceUnavailable:
                // Stripe redelivers anything but 2xx.
                _waiting.Add(next);
                break;
            default:
                throw new InvalidOperationException($"The webhook answered {(int)response.StatusCode} to {next.Id}: {body}");
        }
    }

    /// <summary>Every change at Stripe since the last look becomes an event Stripe records and will try to deliver.</summary>
    private void ObserveStripe()
    {
        var now = _host.Factory.Clock.GetUtcNow();
        foreach (var milestone in Milestones)
        {
            foreach (var intent in IntentsOf(milestone))
            {
                var id = intent["id"]!.GetValue<string>();
                var status = intent["status"]!.GetValue<string>();
                if (_seenIntents.TryGetValue(id, out var seen) && seen == status)
                {
                    continue;
                }

                _seenIntents[id] = status;
                var type = status switch
                {
                    "succeeded" => "payment_intent.succeeded",
                    "processing" => "payment_intent.processing",
                    "requires_action" => "payment_intent.requires_action",
                    "canceled" => "payment_intent.canceled",
                    _ => "payment_intent.payment_failed",
                };
                _waiting.Add(Stripe.RecordEvent(type, intent, now));
            }
        }

        foreach (var refund in Stripe.Objects("refund"))
        {
            var chargeId = refund["charge"]!.GetValue<string>();
            if (MilestoneOfCharge(chargeId) is not null && _seenRefunds.Add(refund["id"]!.GetValue<string>()))
            {
                _waiting.Add(Stripe.RecordEvent("charge.refunded", FakeStripeObjects.RefundedCharge(Stripe.Object(chargeId), refund["id"]!.GetValue<string>()), now));
            }
        }
    }

    public IReadOnlyList<JsonObject> IntentsOf(Guid milestone) =>
        [.. Stripe.Objects("payment_intent").Where(i => i["metadata"]?["milestone_id"]?.GetValue<string>() == milestone.ToString())];

    /// <summary>The milestone (of this world) whose PaymentIntent made the charge, if any.</summary>
    public Guid? MilestoneOfCharge(string chargeId)
    {
        var intentId = Stripe.Object(chargeId)["payment_intent"]?.GetValue<string>();
        var milestone = intentId is null ? null : Stripe.Object(intentId)["metadata"]?["milestone_id"]?.GetValue<string>();
        return milestone is not null && Guid.TryParse(milestone, out var id) && Milestones.Contains(id) ? id : null;
    }

    /// <summary>Any answer a client can act on; never a 500 (a crash) and never a 2xx-less silence.</summary>
    private static async Task ExpectHandledAsync(HttpResponseMessage response)
    {
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.InternalServerError)
            {
                throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered 500: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
}
