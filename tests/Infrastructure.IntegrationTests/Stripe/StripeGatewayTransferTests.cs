using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Stripe;

/// <summary>Release: a Transfer from the funding charge to the trainer's connected account, once per milestone.</summary>
public sealed class StripeGatewayTransferTests
{
    [Fact]
    public async Task TransferAsync_WhenFunded_SendsTheMilestoneAmountFromTheChargeInTheMilestonesGroup()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var (stripe, escrow, chargeId, accountId) = await FundedAsync(fake);

        var result = await stripe.Gateway.TransferAsync(escrow.Payout(accountId, chargeId), CancellationToken.None);

        var lookup = Assert.Single(fake.RequestsTo("GET", "/v1/transfers"));
        Assert.Equal(escrow.MilestoneId, lookup.Query["transfer_group"]);
        var call = Assert.Single(fake.RequestsTo("POST", "/v1/transfers"));
        Assert.Equal(200, call.Status);
        Assert.Equal($"payout-{escrow.Milestone.Id.Value:N}", call.IdempotencyKey);
        Assert.Equal(StripeEscrowScenario.MilestoneCents.ToString(CultureInfo.InvariantCulture), call.Field("amount"));
        Assert.Equal("usd", call.Field("currency"));
        Assert.Equal(accountId, call.Field("destination"));
        Assert.Equal(chargeId, call.Field("source_transaction"));
        Assert.StartsWith("ch_", call.Field("source_transaction"), StringComparison.Ordinal);
        Assert.Equal(escrow.MilestoneId, call.Field("transfer_group"));
        Assert.Equal(escrow.MilestoneId, call.Field("metadata[milestone_id]"));
        Assert.Equal(escrow.Milestone.TrainerId.Value.ToString(), call.Field("metadata[trainer_id]"));

        var transfer = Assert.Single(fake.Objects("transfer"));
        Assert.Equal(new TransferResult(TransferOutcome.Succeeded, transfer["id"]!.GetValue<string>()), result);
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task TransferAsync_WhenRepeated_ReturnsTheFirstTransferAndCreatesNoOther()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var (stripe, escrow, chargeId, accountId) = await FundedAsync(fake);
        var request = escrow.Payout(accountId, chargeId);

        var first = await stripe.Gateway.TransferAsync(request, CancellationToken.None);
        var again = await stripe.Gateway.TransferAsync(request, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Single(fake.Objects("transfer"));
    }

    [Fact]
    public async Task TransferAsync_WhenStripeForgotTheKeyButTheGroupHasTheTransfer_FindsItAndCreatesNoSecond()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var (stripe, escrow, chargeId, accountId) = await FundedAsync(fake);
        var request = escrow.Payout(accountId, chargeId);
        var first = await stripe.Gateway.TransferAsync(request, CancellationToken.None);
        fake.ForgetIdempotencyKeys();
        var mark = fake.LastSequence;

        var afterOutage = await stripe.Gateway.TransferAsync(request, CancellationToken.None);

        Assert.Equal(TransferOutcome.Succeeded, afterOutage.Outcome);
        Assert.Equal(first.TransferId, afterOutage.TransferId);
        Assert.Single(fake.Objects("transfer"));
        Assert.DoesNotContain(fake.RequestsSince(mark), r => r.Is("POST", "/v1/transfers"));
    }

    [Fact]
    public async Task TransferAsync_WhenTheGroupHoldsATransferToAnotherAccount_StillPaysThisTrainer()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var (stripe, escrow, chargeId, accountId) = await FundedAsync(fake);
        var otherAccount = await stripe.ConnectedAccountAsync(fake);
        var other = escrow.Payout(otherAccount, chargeId) with { Amount = OpenTrain.Clean.Domain.Common.Money.FromCents(1_000), IdempotencyKey = "payout-someone-else" };
        await stripe.Gateway.TransferAsync(other, CancellationToken.None);

        var result = await stripe.Gateway.TransferAsync(escrow.Payout(accountId, chargeId), CancellationToken.None);

        Assert.Equal(TransferOutcome.Succeeded, result.Outcome);
        Assert.Equal(2, fake.Objects("transfer").Count);
        Assert.Equal(accountId, fake.Object(result.TransferId!)["destination"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(FakeStripeFailure.RateLimit, TransferOutcome.Retryable)]
    [InlineData(FakeStripeFailure.RateLimitAsInvalidRequest, TransferOutcome.Retryable)]
    [InlineData(FakeStripeFailure.ApiError, TransferOutcome.Retryable)]
    [InlineData(FakeStripeFailure.BalanceInsufficient, TransferOutcome.Retryable)]
    [InlineData(FakeStripeFailure.InsufficientCapabilitiesForTransfer, TransferOutcome.DestinationNotReady)]
    [InlineData(FakeStripeFailure.InvalidRequest, TransferOutcome.Failed)]
    public async Task TransferAsync_WhenStripeRefusesTheTransfer_ClassifiesByErrorTypeAndCode(FakeStripeFailure failure, TransferOutcome expected)
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var (stripe, escrow, chargeId, accountId) = await FundedAsync(fake);
        fake.FailNext(failure, "POST", "/v1/transfers");

        var result = await stripe.Gateway.TransferAsync(escrow.Payout(accountId, chargeId), CancellationToken.None);

        Assert.Equal(expected, result.Outcome);
        Assert.Null(result.TransferId);
        Assert.False(string.IsNullOrEmpty(result.Error));
        Assert.Empty(fake.Objects("transfer"));
    }

    /// <summary>Stripe keeps a 500 under its idempotency key for about a day: retrying with the same key gets it again.</summary>
    [Fact]
    public async Task TransferAsync_WhenRetriedWithTheSameKeyAfterAStripe500_GetsTheSavedErrorAgainAndCreatesNothing()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var (stripe, escrow, chargeId, accountId) = await FundedAsync(fake);
        var request = escrow.Payout(accountId, chargeId);
        fake.FailNext(FakeStripeFailure.ApiError, "POST", "/v1/transfers");
        await stripe.Gateway.TransferAsync(request, CancellationToken.None);

        var retried = await stripe.Gateway.TransferAsync(request, CancellationToken.None);

        Assert.Equal(TransferOutcome.Retryable, retried.Outcome);
        Assert.True(fake.RequestsTo("POST", "/v1/transfers")[1].Replayed);
        Assert.Empty(fake.Objects("transfer"));
    }

    [Fact]
    public async Task TransferAsync_WhenTheLookupIsRateLimited_IsRetryableAndCreatesNothing()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var (stripe, escrow, chargeId, accountId) = await FundedAsync(fake);
        fake.FailNext(FakeStripeFailure.RateLimit, "GET", "/v1/transfers");

        var result = await stripe.Gateway.TransferAsync(escrow.Payout(accountId, chargeId), CancellationToken.None);

        Assert.Equal(TransferOutcome.Retryable, result.Outcome);
        Assert.Empty(fake.RequestsTo("POST", "/v1/transfers"));
    }

    [Fact]
    public async Task TransferAsync_WhenTheDestinationHasNotFinishedOnboarding_IsDestinationNotReady()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var (stripe, escrow, chargeId, _) = await FundedAsync(fake);
        var onboarding = await stripe.ConnectedAccountAsync(fake, enabled: false);

        var result = await stripe.Gateway.TransferAsync(escrow.Payout(onboarding, chargeId), CancellationToken.None);

        Assert.Equal(TransferOutcome.DestinationNotReady, result.Outcome);
        Assert.Contains("insufficient_capabilities_for_transfer", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransferAsync_WhenStripeRefusesForGood_LogsStripesRequestId()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var (stripe, escrow, chargeId, accountId) = await FundedAsync(fake);
        fake.FailNext(FakeStripeFailure.InvalidRequest, "POST", "/v1/transfers");

        await stripe.Gateway.TransferAsync(escrow.Payout(accountId, chargeId), CancellationToken.None);

        var logged = Assert.Single(stripe.Log.Entries, e => e.Level == LogLevel.Error);
        Assert.Matches("request req_[0-9a-f]+", logged.Message);
        Assert.Contains("transfers_not_allowed", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransferAsync_WhenStripeDoesNotAnswerInTime_IsUnknownAndTheRetryFindsTheTransferMadeMeanwhile()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var (stripe, escrow, chargeId, accountId) = await FundedAsync(fake);
        var request = escrow.Payout(accountId, chargeId);
        fake.FailNext(FakeStripeFailure.Hang, "POST", "/v1/transfers");

        // Only the call meant to time out gets a short timeout (the fake holds its answer 15 s): on a busy machine a call meant
        // to succeed can outlast a short one, and this call still needs the time to reach the fake before the client gives up.
        var hung = await StripeTestGateway.For(fake, timeout: TimeSpan.FromSeconds(5)).Gateway.TransferAsync(request, CancellationToken.None);
        var retried = await stripe.Gateway.TransferAsync(request, CancellationToken.None);

        Assert.Equal(TransferOutcome.Unknown, hung.Outcome);
        var transfer = Assert.Single(fake.Objects("transfer"));
        Assert.Equal(new TransferResult(TransferOutcome.Succeeded, transfer["id"]!.GetValue<string>()), retried);
    }

    private static async Task<(StripeTestGateway Stripe, StripeEscrowScenario Escrow, string ChargeId, string AccountId)> FundedAsync(FakeStripeServer fake)
    {
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync();
        var escrow = StripeEscrowScenario.Create(customerId, method);
        var funded = await stripe.Gateway.FundAsync(escrow.BeginFunding().Request, CancellationToken.None);
        Assert.Equal(FundingOutcome.Succeeded, funded.Outcome);
        var accountId = await stripe.ConnectedAccountAsync(fake);
        return (stripe, escrow, funded.ChargeId!, accountId);
    }
}
