using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Payments;

/// <summary>The offline provider on its own file-backed ledger, with Stripe's test-mode semantics.</summary>
public sealed class PaymentSimulatorTests : IDisposable
{
    private readonly TestDatabase _directory = TestDatabase.Empty();
    private readonly string _ledger;
    private readonly SimulatorStore _store;
    private readonly PaymentSimulator _simulator;

    public PaymentSimulatorTests()
    {
        _ledger = Path.Combine(_directory.Directory, "simulator", "payment-simulator.db");
        _store = new SimulatorStore(_ledger);
        _simulator = new PaymentSimulator(_store, Microsoft.Extensions.Options.Options.Create(new OpenTrain.Clean.Infrastructure.Payments.PaymentOptions()), TimeProvider.System);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task FundAsync_WhenTheSameIdempotencyKeyIsSentTwice_ReturnsTheSamePaymentIntentAndStoresOne()
    {
        var request = await Request("pm_card_visa");

        var first = await _simulator.FundAsync(request, CancellationToken.None);
        var second = await _simulator.FundAsync(request, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Single(_store.List<SimPaymentIntent>("payment_intent"));
    }

    [Fact]
    public async Task FundAsync_WhenTheSimulatorRestartsOnTheSameFile_StillReturnsTheFirstPaymentIntent()
    {
        var request = await Request("pm_card_visa");
        var beforeRestart = await _simulator.FundAsync(request, CancellationToken.None);

        var restartedStore = new SimulatorStore(_ledger);
        var afterRestart = await new PaymentSimulator(restartedStore, Microsoft.Extensions.Options.Options.Create(new OpenTrain.Clean.Infrastructure.Payments.PaymentOptions()), TimeProvider.System).FundAsync(request, CancellationToken.None);

        Assert.Equal(beforeRestart, afterRestart);
        Assert.Single(restartedStore.List<SimPaymentIntent>("payment_intent"));
    }

    [Fact]
    public async Task FundAsync_WhenTheSameKeyArrivesConcurrently_CreatesOnePaymentIntent()
    {
        var request = await Request("pm_card_visa");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _simulator.FundAsync(request, CancellationToken.None))));

        Assert.Single(results.Select(r => r.PaymentIntentId).Distinct());
        Assert.Single(_store.List<SimPaymentIntent>("payment_intent"));
    }

    [Fact]
    public async Task FundAsync_WhenTheKeyDiffers_CreatesAnotherPaymentIntent()
    {
        var first = await _simulator.FundAsync(await Request("pm_card_visa", key: "fund-a-1"), CancellationToken.None);
        var second = await _simulator.FundAsync(await Request("pm_card_visa", key: "fund-a-2"), CancellationToken.None);

        Assert.NotEqual(first.PaymentIntentId, second.PaymentIntentId);
        Assert.Equal(2, _store.List<SimPaymentIntent>("payment_intent").Count);
    }

    [Fact]
    public async Task FundAsync_WhenTheCardIsVisa_SucceedsWithACharge()
    {
        var request = await Request("pm_card_visa");

        var result = await _simulator.FundAsync(request, CancellationToken.None);

        Assert.Equal(FundingOutcome.Succeeded, result.Outcome);
        Assert.StartsWith("pi_", result.PaymentIntentId, StringComparison.Ordinal);
        Assert.StartsWith("ch_", result.ChargeId, StringComparison.Ordinal);
        var intent = Assert.Single(_store.List<SimPaymentIntent>("payment_intent"));
        Assert.Equal((55_995L, "USD", "succeeded"), (intent.Amount, intent.Currency, intent.Status));
        Assert.Equal(request.TransferGroup, intent.TransferGroup);
        Assert.Equal(request.Metadata["milestone_id"], intent.Metadata["milestone_id"]);
    }

    [Fact]
    public async Task FundAsync_WhenTheCardDeclines_IsDeclinedWithGenericDecline()
    {
        var result = await _simulator.FundAsync(await Request("pm_card_chargeDeclined"), CancellationToken.None);

        Assert.Equal(FundingOutcome.Declined, result.Outcome);
        Assert.Equal("generic_decline", result.DeclineCode);
        Assert.Null(result.ChargeId);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Fact]
    public async Task FundAsync_WhenTheCardNeedsAuthentication_RequiresActionWithAClientSecret()
    {
        var result = await _simulator.FundAsync(await Request("pm_card_authenticationRequired"), CancellationToken.None);

        Assert.Equal(FundingOutcome.RequiresAction, result.Outcome);
        Assert.StartsWith($"{result.PaymentIntentId}_secret_", result.ClientSecret, StringComparison.Ordinal);
        Assert.Null(result.ChargeId);
    }

    [Fact]
    public async Task FundAsync_WhenTheMethodIsAUsBankAccount_IsProcessing()
    {
        var result = await _simulator.FundAsync(await Request("pm_usBankAccount"), CancellationToken.None);

        Assert.Equal(FundingOutcome.Processing, result.Outcome);
        Assert.NotNull(result.PaymentIntentId);
        Assert.Null(result.ChargeId);
    }

    [Fact]
    public async Task FundAsync_WhenThePaymentMethodIsNotAttachedToTheCustomer_IsDeclined()
    {
        var customer = await Customer(Parties.Employer);
        await _simulator.AttachPaymentMethodAsync(customer, "pm_card_visa", CancellationToken.None);

        var result = await _simulator.FundAsync(RequestFor(customer, "pm_card_mastercard", "fund-x-1"), CancellationToken.None);

        Assert.Equal(FundingOutcome.Declined, result.Outcome);
        Assert.Equal("payment_method_unattached", result.DeclineCode);
    }

    [Fact]
    public async Task AttachPaymentMethodAsync_WhenThePaymentMethodIsUnknown_ThrowsPaymentMethodRejected()
    {
        var customer = await Customer(Parties.Employer);

        var rejected = await Assert.ThrowsAsync<PaymentMethodRejectedException>(() =>
            _simulator.AttachPaymentMethodAsync(customer, "pm_card_doesNotExist", CancellationToken.None));

        Assert.Equal("resource_missing", rejected.Code);
        Assert.Empty(_store.Get<SimCustomer>(customer)!.PaymentMethods);
    }

    [Fact]
    public async Task AttachPaymentMethodAsync_WhenTheCustomerIsUnknown_ThrowsPaymentMethodRejected()
    {
        var rejected = await Assert.ThrowsAsync<PaymentMethodRejectedException>(() =>
            _simulator.AttachPaymentMethodAsync("cus_missing", "pm_card_visa", CancellationToken.None));

        Assert.Equal("resource_missing", rejected.Code);
    }

    [Fact]
    public async Task AttachPaymentMethodAsync_WhenKnown_DescribesItAndAttachesItOnce()
    {
        var customer = await Customer(Parties.Employer);

        var summary = await _simulator.AttachPaymentMethodAsync(customer, "pm_usBankAccount", CancellationToken.None);
        await _simulator.AttachPaymentMethodAsync(customer, "pm_usBankAccount", CancellationToken.None);

        Assert.Equal(new PaymentMethodSummary("pm_usBankAccount", PaymentMethodType.UsBankAccount, "STRIPE TEST BANK", "6789"), summary);
        Assert.Equal(["pm_usBankAccount"], _store.Get<SimCustomer>(customer)!.PaymentMethods);
    }

    [Fact]
    public async Task EnsureCustomerAsync_WhenCalledAgainForTheSameEmployer_ReturnsTheSameCustomer()
    {
        var first = await Customer(Parties.Employer);
        var again = await Customer(Parties.Employer);
        var other = await Customer(Parties.OtherEmployer);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.StartsWith("cus_", first, StringComparison.Ordinal);
        Assert.Equal(2, _store.List<SimCustomer>("customer").Count);
    }

    private Task<string> Customer(UserId employer) =>
        _simulator.EnsureCustomerAsync(new CustomerRequest(employer, "Emma Employer", "emma@example.com"), CancellationToken.None);

    private async Task<FundingRequest> Request(string paymentMethodId, string? key = null)
    {
        var customer = await Customer(Parties.Employer);
        await _simulator.AttachPaymentMethodAsync(customer, paymentMethodId, CancellationToken.None);
        return RequestFor(customer, paymentMethodId, key ?? $"fund-{Guid.NewGuid():N}-1");
    }

    private static FundingRequest RequestFor(string customerId, string paymentMethodId, string key)
    {
        var milestoneId = Guid.NewGuid().ToString();
        return new FundingRequest(
            Parties.Employer,
            customerId,
            paymentMethodId,
            paymentMethodId == "pm_usBankAccount" ? OpenTrain.Clean.Domain.Billing.PaymentMethodType.UsBankAccount : OpenTrain.Clean.Domain.Billing.PaymentMethodType.Card,
            Money.FromCents(55_995),
            key,
            "Preference data: Batch 1",
            new Dictionary<string, string> { ["milestone_id"] = milestoneId, ["contract_id"] = Guid.NewGuid().ToString(), ["job_id"] = Guid.NewGuid().ToString() },
            milestoneId);
    }
}
