using System.Globalization;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Stripe;

/// <summary>Support's refund of a held milestone: a Refund on the funding charge, once per milestone.</summary>
public sealed class StripeGatewayRefundTests
{
    // Guards: the refund names the funding charge, the whole charged amount and the key refund-{milestone}; a repeat finds the same refund.
    [Fact]
    public async Task RefundAsync_WhenRepeatedWithTheMilestonesKey_RefundsTheFundingChargeOnce()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync();
        var escrow = StripeEscrowScenario.Create(customerId, method);
        var instruction = escrow.BeginFunding();
        var funded = await stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None);
        var request = new RefundRequest(
            funded.PaymentIntentId!,
            funded.ChargeId,
            instruction.Request.Amount,
            $"refund-{escrow.Milestone.Id.Value:N}",
            new Dictionary<string, string> { ["milestone_id"] = escrow.MilestoneId });

        var first = await stripe.Gateway.RefundAsync(request, CancellationToken.None);
        var again = await stripe.Gateway.RefundAsync(request, CancellationToken.None);

        Assert.Equal(RefundOutcome.Succeeded, first.Outcome);
        Assert.Equal(first, again);
        var refund = Assert.Single(fake.Objects("refund"));
        Assert.Equal(first.RefundId, refund["id"]!.GetValue<string>());
        var call = fake.RequestsTo("POST", "/v1/refunds")[0];
        Assert.Equal($"refund-{escrow.Milestone.Id.Value:N}", call.IdempotencyKey);
        Assert.Equal(funded.ChargeId, call.Field("charge"));
        Assert.Equal(instruction.Request.Amount.Amount.ToString(CultureInfo.InvariantCulture), call.Field("amount"));
        Assert.Equal(escrow.MilestoneId, call.Field("metadata[milestone_id]"));
        Assert.Empty(fake.Violations);
    }

    // Guards: a refund Stripe refuses (more than is left on the charge) is reported as failed, never as done.
    [Fact]
    public async Task RefundAsync_WhenStripeRefusesIt_ReportsFailed()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync();
        var escrow = StripeEscrowScenario.Create(customerId, method);
        var instruction = escrow.BeginFunding();
        var funded = await stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None);

        var result = await stripe.Gateway.RefundAsync(
            new RefundRequest(funded.PaymentIntentId!, funded.ChargeId, instruction.Request.Amount + Money.FromCents(1), "refund-too-much", new Dictionary<string, string>()),
            CancellationToken.None);

        Assert.Equal(RefundOutcome.Failed, result.Outcome);
        Assert.Empty(fake.Objects("refund"));
    }
}
