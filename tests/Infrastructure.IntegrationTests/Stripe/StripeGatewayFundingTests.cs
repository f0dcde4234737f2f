using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Stripe;

/// <summary>Funding: a confirmed PaymentIntent for milestone + fees, its outcome mapped to ours.</summary>
public sealed class StripeGatewayFundingTests
{
    [Fact]
    public async Task FundAsync_WhenCardSucceeds_SendsConfirmedIntentForMilestonePlusFeesAndReturnsTheCharge()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync("pm_card_visa");
        var escrow = StripeEscrowScenario.Create(customerId, method);
        var instruction = escrow.BeginFunding();

        var result = await stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None);

        var call = Assert.Single(fake.RequestsTo("POST", "/v1/payment_intents"));
        Assert.Equal(200, call.Status);
        Assert.Equal($"fund-{escrow.Milestone.Id.Value:N}-1", call.IdempotencyKey);
        Assert.Equal(StripeEscrowScenario.EmployerTotalCents.ToString(System.Globalization.CultureInfo.InvariantCulture), call.Field("amount"));
        Assert.Equal("usd", call.Field("currency"));
        Assert.Equal(customerId, call.Field("customer"));
        Assert.Equal(method.ProviderId, call.Field("payment_method"));
        Assert.Equal("card", call.Field("allowed_payment_method_types[0]"));
        Assert.Equal("true", call.Field("confirm"));
        Assert.Equal(escrow.MilestoneId, call.Field("transfer_group"));
        Assert.Equal(escrow.MilestoneId, call.Field("metadata[milestone_id]"));
        Assert.Equal(escrow.Milestone.ContractId.Value.ToString(), call.Field("metadata[contract_id]"));
        Assert.Equal(escrow.Milestone.JobId.Value.ToString(), call.Field("metadata[job_id]"));
        Assert.Equal("1", call.Field("metadata[funding_attempt]"));
        Assert.Null(call.Field("mandate_data[customer_acceptance][type]"));

        var intent = Assert.Single(fake.Objects("payment_intent"));
        Assert.Equal(FundingOutcome.Succeeded, result.Outcome);
        Assert.Equal(intent["id"]!.GetValue<string>(), result.PaymentIntentId);
        Assert.StartsWith("ch_", result.ChargeId, StringComparison.Ordinal);
        Assert.Equal(intent["latest_charge"]!.GetValue<string>(), result.ChargeId);
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task FundAsync_WhenRepeatedWithTheSameKey_CreatesOnePaymentIntentAndAnswersTheSame()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync();
        var instruction = StripeEscrowScenario.Create(customerId, method).BeginFunding();

        var first = await stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None);
        var again = await stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Single(fake.Objects("payment_intent"));
        Assert.Single(fake.Objects("charge"));
        Assert.True(fake.RequestsTo("POST", "/v1/payment_intents")[1].Replayed);
    }

    [Fact]
    public async Task FundAsync_WhenANewAttemptFollowsADecline_UsesTheNextAttemptsKey()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync("pm_card_chargeDeclined");
        var escrow = StripeEscrowScenario.Create(customerId, method);
        var first = escrow.BeginFunding();
        await stripe.Gateway.FundAsync(first.Request, CancellationToken.None);
        escrow.RecordDecline(first.Attempt);

        var second = escrow.BeginFunding();
        await stripe.Gateway.FundAsync(second.Request, CancellationToken.None);

        var keys = fake.RequestsTo("POST", "/v1/payment_intents").Select(r => r.IdempotencyKey).ToList();
        Assert.Equal([$"fund-{escrow.Milestone.Id.Value:N}-1", $"fund-{escrow.Milestone.Id.Value:N}-2"], keys);
        Assert.Equal(2, fake.Objects("payment_intent").Count);
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", "generic_decline", "Your card was declined.")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "Your card has insufficient funds.")]
    public async Task FundAsync_WhenCardIsDeclined_ReturnsDeclinedWithStripesDeclineCodeMessageAndIntent(string testMethod, string declineCode, string message)
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync(testMethod);
        var instruction = StripeEscrowScenario.Create(customerId, method).BeginFunding();

        var result = await stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None);

        Assert.Equal(402, Assert.Single(fake.RequestsTo("POST", "/v1/payment_intents")).Status);
        var intent = Assert.Single(fake.Objects("payment_intent"));
        Assert.Equal(FundingOutcome.Declined, result.Outcome);
        Assert.Equal(declineCode, result.DeclineCode);
        Assert.Equal(message, result.Message);
        Assert.Equal(intent["id"]!.GetValue<string>(), result.PaymentIntentId);
        Assert.Null(result.ChargeId);
    }

    [Fact]
    public async Task FundAsync_WhenCardNeedsAuthentication_ReturnsRequiresActionWithTheClientSecret()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync("pm_card_authenticationRequired");
        var instruction = StripeEscrowScenario.Create(customerId, method).BeginFunding();

        var result = await stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None);

        var intent = Assert.Single(fake.Objects("payment_intent"));
        Assert.Equal(FundingOutcome.RequiresAction, result.Outcome);
        Assert.Equal(intent["client_secret"]!.GetValue<string>(), result.ClientSecret);
        Assert.Equal(intent["id"]!.GetValue<string>(), result.PaymentIntentId);
        Assert.Null(result.ChargeId);
    }

    [Fact]
    public async Task FundAsync_WhenUsBankAccount_SendsBankTypeOffSessionUnderTheSetupMandateAndReturnsProcessing()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync("pm_usBankAccount");
        var instruction = StripeEscrowScenario.Create(customerId, method).BeginFunding();

        var result = await stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None);

        var call = Assert.Single(fake.RequestsTo("POST", "/v1/payment_intents"));
        Assert.Equal("us_bank_account", call.Field("allowed_payment_method_types[0]"));
        Assert.Equal("true", call.Field("off_session"));
        Assert.Equal(FundingOutcome.Processing, result.Outcome);
        Assert.Equal(Assert.Single(fake.Objects("payment_intent"))["id"]!.GetValue<string>(), result.PaymentIntentId);
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task GetFundingAsync_WhenTheIntentSucceededSince_ReadsItBackWithTheCharge()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync("pm_card_authenticationRequired");
        var instruction = StripeEscrowScenario.Create(customerId, method).BeginFunding();
        var pending = await stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None);
        var completed = fake.SucceedPaymentIntent(pending.PaymentIntentId!);

        var result = await stripe.Gateway.GetFundingAsync(pending.PaymentIntentId!, CancellationToken.None);

        Assert.Single(fake.RequestsTo("GET", $"/v1/payment_intents/{pending.PaymentIntentId}"));
        Assert.Equal(FundingOutcome.Succeeded, result.Outcome);
        Assert.Equal(completed["latest_charge"]!.GetValue<string>(), result.ChargeId);
    }

    [Fact]
    public async Task GetFundingAsync_WhenTheIntentFailedSince_ReadsItBackAsDeclined()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync("pm_card_authenticationRequired");
        var pending = await stripe.Gateway.FundAsync(StripeEscrowScenario.Create(customerId, method).BeginFunding().Request, CancellationToken.None);
        fake.FailPaymentIntent(pending.PaymentIntentId!, "authentication_required");

        var result = await stripe.Gateway.GetFundingAsync(pending.PaymentIntentId!, CancellationToken.None);

        Assert.Equal(FundingOutcome.Declined, result.Outcome);
        Assert.Equal("authentication_required", result.DeclineCode);
    }

    [Theory]
    [InlineData(FakeStripeFailure.ApiError)]
    [InlineData(FakeStripeFailure.RateLimit)]
    [InlineData(FakeStripeFailure.RateLimitAsInvalidRequest)]
    public async Task FundAsync_WhenStripeFailsOnItsSide_ThrowsProviderExceptionSoReconciliationSettlesIt(FakeStripeFailure failure)
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync();
        var instruction = StripeEscrowScenario.Create(customerId, method).BeginFunding();
        fake.FailNext(failure, "POST", "/v1/payment_intents");

        await Assert.ThrowsAsync<PaymentProviderException>(() => stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None));
    }

    [Fact]
    public async Task FundAsync_WhenStripeDoesNotAnswerInTime_ThrowsProviderExceptionAndTheRetryFindsTheSameCharge()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync();
        var instruction = StripeEscrowScenario.Create(customerId, method).BeginFunding();
        fake.FailNext(FakeStripeFailure.Hang, "POST", "/v1/payment_intents");

        // Only the call meant to time out gets a short timeout (the fake holds its answer 15 s): on a busy machine a call meant
        // to succeed can outlast a short one, and this call still needs the time to reach the fake before the client gives up.
        var impatient = StripeTestGateway.For(fake, timeout: TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<PaymentProviderException>(() => impatient.Gateway.FundAsync(instruction.Request, CancellationToken.None));
        var redriven = await stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None);

        var intent = Assert.Single(fake.Objects("payment_intent"));
        Assert.Equal(FundingOutcome.Succeeded, redriven.Outcome);
        Assert.Equal(intent["id"]!.GetValue<string>(), redriven.PaymentIntentId);
        Assert.True(fake.RequestsTo("POST", "/v1/payment_intents")[1].Replayed);
    }

    /// <summary>
    /// Our own misconfiguration (a rolled or wrong secret key: HTTP 401) is not the employer's card: FundingProcess
    /// turns Declined into 402 card_declined with this message, and the milestone keeps it as its funding error.
    /// </summary>
    [Fact]
    public async Task FundAsync_WhenStripeRefusesOurApiKey_IsNotReportedAsACardDecline()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var (customerId, method) = await StripeTestGateway.For(fake).CustomerWithMethodAsync();
        var instruction = StripeEscrowScenario.Create(customerId, method).BeginFunding();
        var misconfigured = StripeTestGateway.For(fake, apiKey: "sk_test_rolled_key_0000000000000000");

        FundingResult? result = null;
        var thrown = await Record.ExceptionAsync(async () => result = await misconfigured.Gateway.FundAsync(instruction.Request, CancellationToken.None));

        Assert.True(thrown is null or PaymentProviderException, thrown?.Message);
        Assert.NotEqual(FundingOutcome.Declined, result?.Outcome);
    }

    /// <summary>
    /// The port's contract (FundingProcess, ReconcileFundingHandler catch only PaymentProviderException): a
    /// result or a PaymentProviderException, never a raw StripeException. An idempotency_error happens when
    /// a redriven attempt's parameters differ from the first send (the employer changed the default card
    /// between the crash and the reconciliation redrive).
    /// </summary>
    [Fact]
    public async Task FundAsync_WhenTheKeyWasUsedWithOtherParameters_DoesNotLetAStripeExceptionEscape()
    {
        await using var fake = await FakeStripeServer.StartAsync();
        var stripe = StripeTestGateway.For(fake);
        var (customerId, method) = await stripe.CustomerWithMethodAsync();
        var (_, otherCard) = await stripe.CustomerWithMethodAsync("pm_card_mastercard");
        var instruction = StripeEscrowScenario.Create(customerId, method).BeginFunding();
        await stripe.Gateway.FundAsync(instruction.Request, CancellationToken.None);

        var changed = instruction.Request with { PaymentMethodId = otherCard.ProviderId };
        var exception = await Record.ExceptionAsync(() => stripe.Gateway.FundAsync(changed, CancellationToken.None));

        Assert.True(exception is null or PaymentProviderException, $"Escaped: {exception?.GetType().FullName}: {exception?.Message}");
    }
}
