using System.Net;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.IntegratorEvents;

/// <summary>
/// The issue's "done when": endpoints registered on local receivers get every event of a lifecycle with
/// valid signatures, the delivery log shows them, and GET /api/v1/events returns the same events in order.
/// </summary>
public sealed class IntegratorEventLifecycleTests(IntegratorEventsHost host) : IClassFixture<IntegratorEventsHost>, IAsyncLifetime
{
    private static readonly string[] EmployerTypes =
    [
        "contract.created", "invoice.issued", "invoice.payment_status_changed", "milestone.approved", "milestone.changes_requested",
        "milestone.created", "milestone.funded", "milestone.funding_failed", "milestone.funding_started", "milestone.refunded",
        "milestone.submitted", "payout.paid", "payout.pending", "subscription.updated",
    ];

    private static readonly string[] TrainerTypes =
    [
        "contract.created", "invoice.issued", "milestone.approved", "milestone.changes_requested", "milestone.created", "milestone.funded",
        "milestone.funding_failed", "milestone.funding_started", "milestone.refunded", "milestone.submitted", "payout.paid", "payout.pending",
        "payout_account.updated",
    ];

    private readonly ApiClient _api = host.CreateApiClient();
    private WebhookReceiver _employerReceiver = null!;
    private WebhookReceiver _trainerReceiver = null!;

    public async Task InitializeAsync()
    {
        _employerReceiver = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
        _trainerReceiver = await WebhookReceiver.StartAsync(host.Clock.GetUtcNow);
    }

    public async Task DisposeAsync()
    {
        await _employerReceiver.DisposeAsync();
        await _trainerReceiver.DisposeAsync();
    }

    [Fact]
    public async Task Lifecycle_WhenEndpointsAreRegisteredOnLocalReceivers_DeliversEveryEventSignedLogsItAndTheFeedListsTheSameInOrder()
    {
        var (employer, trainer, firstMilestone) = await RunLifecycleAsync();

        await host.DeliverAsync();

        AssertReceived(_employerReceiver, EmployerTypes);
        AssertReceived(_trainerReceiver, TrainerTypes);
        await AssertFeedEqualsDeliveriesAsync(employer, _employerReceiver);
        await AssertFeedEqualsDeliveriesAsync(trainer, _trainerReceiver);
        await AssertDeliveryLogAsync(employer, _employerReceiver);

        // data is the resource as GET returns it to that party (nothing changed the milestone since it was paid).
        await AssertLastEventShowsTheMilestoneAsync(employer, _employerReceiver, firstMilestone);
        await AssertLastEventShowsTheMilestoneAsync(trainer, _trainerReceiver, firstMilestone);

        // Each party only its own invoices.
        Assert.All(InvoiceNumbers(_employerReceiver), n => Assert.Matches("^(INV|CRN|SUB)-", n));
        Assert.All(InvoiceNumbers(_trainerReceiver), n => Assert.StartsWith("PAY-", n, StringComparison.Ordinal));
        Assert.NotEmpty(InvoiceNumbers(_trainerReceiver));
    }

    /// <summary>
    /// Hire (funded at once), a second milestone funded, submit, changes requested, submit, approve, a payout
    /// waiting for the trainer's setup, the setup, the payout; a subscription; a refund; a declined funding.
    /// </summary>
    private async Task<(Actor Employer, Actor Trainer, Guid FirstMilestone)> RunLifecycleAsync()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var employerEndpoint = await _api.RegisterAsync(employer, _employerReceiver);
        await _api.RegisterAsync(trainer, _trainerReceiver);
        Assert.NotEqual(Guid.Empty, employerEndpoint);

        await _api.PostJsonAsync("/api/v1/billing/subscription", employer, new { plan = "agency" });
        var hire = await _api.HireOnNewJobAsync(employer, trainer);
        var second = await _api.AddMilestoneAsync(employer, hire.ContractId);
        await _api.FundedAsync(employer, second);

        await _api.SubmittedAsync(trainer, hire.MilestoneId);
        await _api.PostJsonAsync($"/api/v1/milestones/{hire.MilestoneId}/request-changes", employer, new { reason = "Relabel the flagged pairs" });
        await _api.SubmittedAsync(trainer, hire.MilestoneId);
        await _api.ApprovedAsync(employer, hire.MilestoneId);
        await host.RunPayoutJobAsync();

        var (accountId, _) = await _api.StartPayoutSetupAsync(trainer);
        await host.CompleteOnboardingAsync(accountId);
        await host.DrainOutboxAsync();
        await host.RunPayoutJobAsync();

        var admin = await _api.AdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await _api.RefundAsync(admin, second)).StatusCode);

        var third = await _api.AddMilestoneAsync(employer, hire.ContractId, title: "Batch 3");
        await _api.AttachPaymentMethodAsync(employer, "pm_card_chargeDeclined");
        Assert.Equal(HttpStatusCode.PaymentRequired, (await _api.FundAsync(employer, third)).StatusCode);
        return (employer, trainer, hire.MilestoneId);
    }

    private static void AssertReceived(WebhookReceiver receiver, string[] expectedTypes)
    {
        var received = receiver.Received;
        Assert.Equal(expectedTypes, received.Select(r => r.Type).Distinct().Order(StringComparer.Ordinal));
        Assert.All(received, r =>
        {
            Assert.True(r.SignatureValid, $"signature of {r.DeliveryId} ({r.Type}) does not verify: {r.Signature}");
            Assert.Equal(r.Type, r.EventType);
            Assert.Equal("OpenTrain-Webhooks/1.0", r.UserAgent);
            Assert.Equal(200, r.Answered);
        });
        Assert.Equal(received.Count, received.Select(r => r.DeliveryId).Distinct().Count());
        Assert.Equal(received.Count, received.Select(r => r.Event.Get("id").GetGuid()).Distinct().Count());
    }

    private async Task AssertFeedEqualsDeliveriesAsync(Actor actor, WebhookReceiver receiver)
    {
        var feed = await _api.FeedAsync(actor);
        var delivered = receiver.Received.Select(r => r.Event).ToList();

        // One endpoint, every delivery due at once: they went out one at a time in the feed's order.
        Assert.Equal(feed.Select(e => e.Id()), delivered.Select(e => e.Id()));
        Assert.All(feed.Zip(delivered), pair => Assert.True(IntegratorEventSteps.SameJson(pair.First, pair.Second), $"feed {pair.First} != delivered {pair.Second}"));
    }

    private async Task AssertDeliveryLogAsync(Actor owner, WebhookReceiver receiver)
    {
        var endpoints = (await _api.GetJsonAsync("/api/v1/webhook-endpoints", owner)).Items();
        var log = await _api.DeliveriesAsync(owner, Assert.Single(endpoints).Id());
        Assert.Equal(receiver.Received.Select(r => Guid.Parse(r.DeliveryId)).Order(), log.Select(d => d.Id()).Order());
        Assert.All(log, d =>
        {
            Assert.Equal(("delivered", 1, 200), (d.Str("status"), d.Get("attempts").GetInt32(), d.Get("lastResponseStatus").GetInt32()));
            Assert.True(d.IsNull("nextAttemptAt"));
            Assert.Equal(receiver.Received.Single(r => r.DeliveryId == d.Id().ToString()).Type, d.Str("eventType"));
        });
    }

    private async Task AssertLastEventShowsTheMilestoneAsync(Actor actor, WebhookReceiver receiver, Guid milestoneId)
    {
        var last = receiver.Received.Select(r => r.Event)
            .Where(e => e.Str("resource.type") == "milestone" && e.Id("resource.id") == milestoneId)
            .MaxBy(e => e.Long("resource.sequence"));
        Assert.Equal("payout.paid", last.Str("type"));
        var now = await _api.MilestoneAsync(milestoneId, actor);
        Assert.True(IntegratorEventSteps.SameJson(now, last.Get("data")), $"event data {last.Get("data")} != GET {now}");
    }

    private static List<string> InvoiceNumbers(WebhookReceiver receiver) =>
        [.. receiver.Received.Where(r => r.Type == "invoice.issued").Select(r => r.Event.Str("data.number")!)];
}
