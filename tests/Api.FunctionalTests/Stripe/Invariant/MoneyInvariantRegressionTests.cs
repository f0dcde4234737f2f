using OpenTrain.Clean.Domain.Milestones;
using Step = OpenTrain.Clean.Api.FunctionalTests.Stripe.Invariant.MoneyStep;

namespace OpenTrain.Clean.Api.FunctionalTests.Stripe.Invariant;

/// <summary>
/// The counter-examples the generative test found (<see cref="MoneyInvariantProperties"/>), kept as named sequences,
/// and the issue's own late-charge sequences played through the same harness, so that each path is certain to run.
/// </summary>
public sealed class MoneyInvariantRegressionTests(MoneyInvariantHost host) : IClassFixture<MoneyInvariantHost>
{
    private static readonly Step DeliverNext = new Step.Deliver(Delivery.Next, 0);

    /// <summary>
    /// Found by the generative test: Stripe answered the funding request with a 500 and replays it under the attempt's
    /// key, so reconciliation's redrive got "unknown" every time and the milestone stayed <c>funding</c>, with no
    /// PaymentIntent and no error, for as long as Stripe keeps the key.
    /// </summary>
    [Fact]
    public async Task Fund_WhenStripeReplaysA500UnderTheAttemptsKey_FailsTheAttemptVisibly()
    {
        var world = await host.PlayAsync(new Step.Fund(1, PayWith.Declined, ProviderFault.ServerError));

        var milestone = await host.Factory.LoadMilestoneAsync(world.Milestones[1]);
        Assert.Equal(MilestoneStatus.NotFunded, milestone.Status);
        Assert.Equal("payment_provider_unavailable", milestone.Funding.LastError?.Code);
    }

    /// <summary>Issue 12's first finding: 3-D Secure failed, then the employer completed it in Stripe.js; its webhook never arrives.</summary>
    [Fact]
    public async Task LateSuccess_OfAFailedThreeDSecureWhoseWebhookIsDropped_FundsTheMilestoneFromStripesEventList()
    {
        var world = await host.PlayAsync(
            new Step.Fund(1, PayWith.ThreeDSecure, ProviderFault.None),
            new Step.CustomerActs(1, 0, Succeeds: false),
            DeliverNext,
            DeliverNext,
            new Step.CustomerActs(1, 0, Succeeds: true),
            new Step.Deliver(Delivery.Dropped, 0));

        var milestone = await host.Factory.LoadMilestoneAsync(world.Milestones[1]);
        Assert.Equal(MilestoneStatus.ActiveFunded, milestone.Status);
        Assert.Contains(milestone.Timeline, e => e.Action == "funded_late");
    }

    /// <summary>A failed attempt succeeds late after a second attempt funded the milestone: its charge goes back once, as a duplicate.</summary>
    [Fact]
    public async Task LateSuccess_AfterAnotherAttemptFunded_IsRefundedOnceAsADuplicate()
    {
        var world = await host.PlayAsync(
            new Step.Fund(1, PayWith.ThreeDSecure, ProviderFault.None),
            new Step.CustomerActs(1, 0, Succeeds: false),
            DeliverNext,
            DeliverNext,
            new Step.Fund(1, PayWith.Visa, ProviderFault.None),
            new Step.CustomerActs(1, 0, Succeeds: true),
            new Step.Deliver(Delivery.Reordered, 1),
            new Step.Deliver(Delivery.Duplicated, 2),
            new Step.Reconcile(5),
            new Step.PayoutRun(1),
            DeliverNext,
            new Step.Deliver(Delivery.Duplicated, 3));

        var duplicates = host.Stripe.Objects("refund")
            .Where(r => r["metadata"]?["milestone_id"]?.GetValue<string>() == world.Milestones[1].ToString())
            .ToList();
        var refund = Assert.Single(duplicates);
        Assert.Equal("duplicate", refund["reason"]?.GetValue<string>());
        Assert.Equal(MilestoneStatus.ActiveFunded, (await host.Factory.LoadMilestoneAsync(world.Milestones[1])).Status);
    }

    /// <summary>Support refunds; Stripe's charge.refunded for it arrives twice and out of order with the rest.</summary>
    [Fact]
    public async Task Refund_WhenItsChargeRefundedWebhookArrivesTwice_RefundsOnceAndPaysNothingOut()
    {
        var world = await host.PlayAsync(
            new Step.Refund(0),
            new Step.Deliver(Delivery.Reordered, 1),
            DeliverNext,
            new Step.Deliver(Delivery.Duplicated, 0),
            new Step.Deliver(Delivery.Duplicated, 1),
            new Step.Approve(0),
            new Step.PayoutRun(2));

        Assert.Equal(MilestoneStatus.Refunded, (await host.Factory.LoadMilestoneAsync(world.Milestones[0])).Status);
        Assert.DoesNotContain(host.Stripe.Objects("transfer"), t => t["transfer_group"]?.GetValue<string>() == world.Milestones[0].ToString());
    }
}
