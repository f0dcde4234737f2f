using System.Net;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Notifications;
using OpenTrain.Clean.Domain.Payouts;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>
/// Issue 6 §2: a failure injected at each step of funding and of payout, then a restart (a new host
/// on the same database and simulator ledger) and the worker's next run: exactly one charge per
/// funding attempt, one transfer per milestone, and the right final state.
/// </summary>
public sealed class SafetyCrashPointTests
{
    private static readonly TimeSpan _pastFundingCheck = Milestone.FundingCheckGrace + TimeSpan.FromSeconds(1);
    private static readonly TimeSpan _pastClaimLease = new PayoutOptions().ClaimLease + TimeSpan.FromSeconds(1);

    // Guards: the attempt committed before the provider call (BeginFunding) and reconciliation's re-drive of a funding with no recorded intent.
    [Fact]
    public async Task Fund_WhenTheProcessCrashesBeforeTheProviderCall_ReconciliationAfterRestartChargesOnceAndFunds()
    {
        var factory = new SafetyApiFactory();
        try
        {
            var (employer, milestoneId) = await FundableMilestoneAsync(factory);
            factory.Faults.FailGateway("FundAsync", SafetyFaultPoint.BeforeProviderCall);

            await ExpectOutcomeUnknownAsync(await factory.CreateSafetyClient().FundAsync(employer, milestoneId));
            Assert.Equal(MilestoneStatus.Funding, (await factory.LoadMilestoneAsync(milestoneId)).Status);
            Assert.Empty(factory.PaymentIntentsOf(milestoneId));

            factory = await RestartAndReconcileAsync(factory);

            await AssertFundedOnceAsync(factory, milestoneId);
        }
        finally
        {
            factory.Dispose();
        }
    }

    // Guards: the provider idempotency key fund-{milestone}-{attempt}: the re-drive after the crash finds the charge the provider already made.
    [Fact]
    public async Task Fund_WhenTheProcessCrashesAfterTheProviderCharged_ReconciliationAfterRestartFindsTheSameChargeAndFunds()
    {
        var factory = new SafetyApiFactory();
        try
        {
            var (employer, milestoneId) = await FundableMilestoneAsync(factory);
            factory.Faults.FailGateway("FundAsync", SafetyFaultPoint.AfterProviderSucceeded);

            await ExpectOutcomeUnknownAsync(await factory.CreateSafetyClient().FundAsync(employer, milestoneId));
            var charged = Assert.Single(factory.PaymentIntentsOf(milestoneId));
            var stuck = await factory.LoadMilestoneAsync(milestoneId);
            Assert.Equal(MilestoneStatus.Funding, stuck.Status);
            Assert.Null(stuck.Funding.PaymentIntentId);

            factory = await RestartAndReconcileAsync(factory);

            await AssertFundedOnceAsync(factory, milestoneId);
            Assert.Equal(charged.Id, (await factory.LoadMilestoneAsync(milestoneId)).Funding.PaymentIntentId);
        }
        finally
        {
            factory.Dispose();
        }
    }

    // Guards: the re-drive repeats the attempt's request exactly (Stripe refuses a reused idempotency key with other parameters).
    [Fact]
    public async Task Fund_WhenThePaymentMethodChangesAfterACrash_TheReDriveRepeatsTheAttemptsOwnRequest()
    {
        var factory = new SafetyApiFactory();
        try
        {
            var (employer, milestoneId) = await FundableMilestoneAsync(factory);
            factory.Faults.FailGateway("FundAsync", SafetyFaultPoint.AfterProviderSucceeded);
            await ExpectOutcomeUnknownAsync(await factory.CreateSafetyClient().FundAsync(employer, milestoneId));
            var sent = factory.Faults.FundRequests[^1];

            // The employer changes the default payment method while the attempt is in flight.
            await Expect.StatusAsync(await factory.CreateSafetyClient().PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId = "pm_card_mastercard" }), HttpStatusCode.OK);
            factory = await RestartAndReconcileAsync(factory);

            var redriven = factory.Faults.FundRequests[^1];
            Assert.Equal(sent.IdempotencyKey, redriven.IdempotencyKey);
            Assert.Equal((sent.PaymentMethodId, sent.PaymentMethodType, sent.Amount, sent.CustomerId), (redriven.PaymentMethodId, redriven.PaymentMethodType, redriven.Amount, redriven.CustomerId));
            await AssertFundedOnceAsync(factory, milestoneId);
        }
        finally
        {
            factory.Dispose();
        }
    }

    // Guards: the outcome committed in its own transaction (RecordFundingResult) with the invoice number taken inside it: a failed commit leaves the attempt in flight and gives the number back.
    [Fact]
    public async Task Fund_WhenOurCommitOfTheProvidersAnswerFails_ReconciliationAfterRestartFundsWithOneChargeAndNoInvoiceGap()
    {
        var factory = new SafetyApiFactory();
        try
        {
            var (employer, milestoneId) = await FundableMilestoneAsync(factory);

            // Unit of work 1 begins the funding, 2 records the provider's answer.
            factory.Faults.FailUnitOfWorkCall(2);

            await Expect.ProblemAsync(await factory.CreateSafetyClient().FundAsync(employer, milestoneId), HttpStatusCode.InternalServerError, "internal_error");
            Assert.Single(factory.PaymentIntentsOf(milestoneId));
            Assert.Equal(MilestoneStatus.Funding, (await factory.LoadMilestoneAsync(milestoneId)).Status);
            Assert.Empty(await factory.InvoicesOfAsync(milestoneId));

            factory = await RestartAndReconcileAsync(factory);

            await AssertFundedOnceAsync(factory, milestoneId);
            var year = factory.Clock.GetUtcNow().Year;
            var numbers = await factory.QueryAsync(db => db.Set<Invoice>().Where(i => i.Kind == InvoiceKind.EmployerFunding).Select(i => i.Number).OrderBy(n => n).ToListAsync());
            Assert.Equal(new[] { $"INV-{year}-000001", $"INV-{year}-000002" }, numbers);
        }
        finally
        {
            factory.Dispose();
        }
    }

    // Guards: OutboxDispatcher handles a message and marks it processed in one transaction: the crashed delivery's effect rolls back and the retry makes it once.
    [Fact]
    public async Task Fund_WhenAnEventHandlerCrashesAfterItsEffect_TheMessageIsRetriedAfterRestartAndTheEffectHappensOnce()
    {
        var effects = new SafetyEffectLog();
        var factory = new SafetyApiFactory(new SafetyHostOptions { Services = effects.Register<MilestoneFunded>() });
        try
        {
            var (employer, milestoneId) = await FundableMilestoneAsync(factory);
            await factory.DrainOutboxAsync();
            await Expect.StatusAsync(await factory.CreateSafetyClient().FundAsync(employer, milestoneId), HttpStatusCode.OK);
            var message = await FundedMessageAsync(factory, milestoneId);
            effects.CrashAfterEffect(1);

            await factory.DrainOutboxAsync();

            Assert.Equal(0, await SafetyEffectLog.CountEffectsAsync(factory, message));
            var failed = await factory.QueryAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == message));
            Assert.Equal(OutboxStatus.Pending, failed.Status);
            Assert.Equal(1, failed.Attempts);
            Assert.Contains("crashed after its effect", failed.LastError, StringComparison.Ordinal);

            factory = factory.Restart();
            factory.Clock.Advance(TimeSpan.FromMinutes(1));
            await factory.DrainOutboxAsync();
            await factory.DrainOutboxAsync();

            Assert.Equal(2, effects.Deliveries(message));
            Assert.Equal(1, await SafetyEffectLog.CountEffectsAsync(factory, message));
            Assert.Equal(OutboxStatus.Processed, (await factory.QueryAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == message))).Status);
            Assert.Single(factory.PaymentIntentsOf(milestoneId));
            var milestone = await factory.LoadMilestoneAsync(milestoneId);
            Assert.Equal(1, await factory.QueryAsync(db => db.Set<Notification>().CountAsync(n => n.MilestoneId == new MilestoneId(milestoneId) && n.Kind == NotificationKind.MilestoneFunded && n.UserId == milestone.TrainerId)));
        }
        finally
        {
            factory.Dispose();
        }
    }

    // Guards: the payout claim committed before the transfer (ClaimPayout) and the payout job picking the payout up again when the claim lapses.
    [Fact]
    public async Task Payout_WhenTheProcessCrashesBeforeTheTransfer_ThePayoutJobAfterRestartPaysOnce()
    {
        var factory = new SafetyApiFactory();
        try
        {
            var milestoneId = await ApprovedMilestoneAsync(factory);
            factory.Faults.FailGateway("TransferAsync", SafetyFaultPoint.BeforeProviderCall);

            await factory.RunPayoutJobAsync();
            Assert.Empty(factory.TransfersOf(milestoneId));
            Assert.Equal(MilestoneStatus.PayoutPending, (await factory.LoadMilestoneAsync(milestoneId)).Status);

            factory = await RestartAndPayAsync(factory);

            await AssertPaidOnceAsync(factory, milestoneId);
        }
        finally
        {
            factory.Dispose();
        }
    }

    // Guards: the transfer's idempotency key payout-{milestone}: the transfer repeated after the crash is the one the provider already made.
    [Fact]
    public async Task Payout_WhenTheProcessCrashesAfterTheTransferSucceeded_ThePayoutJobAfterRestartFindsTheSameTransferAndPays()
    {
        var factory = new SafetyApiFactory();
        try
        {
            var milestoneId = await ApprovedMilestoneAsync(factory);
            factory.Faults.FailGateway("TransferAsync", SafetyFaultPoint.AfterProviderSucceeded);

            await factory.RunPayoutJobAsync();
            var transfer = Assert.Single(factory.TransfersOf(milestoneId));
            Assert.Equal(MilestoneStatus.PayoutPending, (await factory.LoadMilestoneAsync(milestoneId)).Status);

            // While the claim's lease holds, another run leaves the payout alone.
            factory = factory.Restart();
            factory.Faults.Disarm();
            Assert.Equal(0, await factory.RunPayoutJobAsync());
            Assert.Equal(1, factory.Faults.GatewayCalls("TransferAsync"));

            factory.Clock.Advance(_pastClaimLease);
            await factory.RunPayoutJobAsync();

            await AssertPaidOnceAsync(factory, milestoneId);
            Assert.Equal(transfer.Id, (await factory.LoadMilestoneAsync(milestoneId)).Payout.TransferId);
        }
        finally
        {
            factory.Dispose();
        }
    }

    // Guards: RecordPayoutResult in its own transaction: its failed commit leaves the payout due again, and the repeated transfer finds the first one.
    [Fact]
    public async Task Payout_WhenOurCommitOfTheTransferFails_ThePayoutJobAfterRestartPaysOnceWithOnePayoutInvoice()
    {
        var factory = new SafetyApiFactory();
        try
        {
            var milestoneId = await ApprovedMilestoneAsync(factory);

            // Unit of work 1 claims the payout, 2 records the transfer.
            factory.Faults.FailUnitOfWorkCall(2);

            await factory.RunPayoutJobAsync();
            Assert.Single(factory.TransfersOf(milestoneId));
            Assert.Equal(MilestoneStatus.PayoutPending, (await factory.LoadMilestoneAsync(milestoneId)).Status);

            factory = await RestartAndPayAsync(factory);

            await AssertPaidOnceAsync(factory, milestoneId);
        }
        finally
        {
            factory.Dispose();
        }
    }

    // Guards: the outbox delivery of PayoutAccountEnabled in one transaction with its mark: the wake-up (RetryPayout) that crashed rolls back and happens once on retry.
    [Fact]
    public async Task Payout_WhenTheWakeUpHandlerCrashesAfterItsEffect_ItIsRetriedAfterRestartAndTheTrainerIsPaidOnce()
    {
        var effects = new SafetyEffectLog();
        var factory = new SafetyApiFactory(new SafetyHostOptions { Services = effects.Register<PayoutAccountEnabled>() });
        try
        {
            var api = factory.CreateSafetyClient();
            var employer = await api.EmployerAsync();
            var trainer = await api.TrainerAsync();
            var hire = await api.HireOnNewJobAsync(employer, trainer);
            await Expect.StatusAsync(await api.ApproveAsync(employer, hire.MilestoneId), HttpStatusCode.OK);
            await factory.RunPayoutJobAsync();
            Assert.Equal(PayoutPendingReason.PayoutSetupIncomplete, (await factory.LoadMilestoneAsync(hire.MilestoneId)).Payout.Reason);
            var account = await Expect.StatusAsync(await api.PostAsync("/api/v1/payouts/account", trainer, new { country = "US" }), HttpStatusCode.OK);
            await factory.DrainOutboxAsync();
            await factory.CompleteOnboardingAsync(account.Str("connectedAccountId")!);
            effects.CrashAfterEffect(1);

            await factory.DrainOutboxAsync();

            var waiting = await factory.LoadMilestoneAsync(hire.MilestoneId);
            Assert.DoesNotContain(waiting.Timeline, e => e.Action == "payout_retry_requested");
            Assert.Equal(0, await factory.RunPayoutJobAsync());

            factory = factory.Restart();
            factory.Clock.Advance(TimeSpan.FromMinutes(1));
            await factory.DrainOutboxAsync();
            await factory.RunPayoutJobAsync();

            var paid = await factory.LoadMilestoneAsync(hire.MilestoneId);
            Assert.Single(paid.Timeline, e => e.Action == "payout_retry_requested");
            var message = Assert.Single(effects.AllDeliveries.Keys);
            Assert.Equal(1, await SafetyEffectLog.CountEffectsAsync(factory, message));
            await AssertPaidOnceAsync(factory, hire.MilestoneId);
        }
        finally
        {
            factory.Dispose();
        }
    }

    /// <summary>An employer (pm_card_visa) with a contract and a second milestone not funded yet.</summary>
    internal static async Task<(Actor Employer, Guid MilestoneId)> FundableMilestoneAsync(SafetyApiFactory factory)
    {
        var api = factory.CreateSafetyClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.TrainerAsync();
        var hire = await api.HireOnNewJobAsync(employer, trainer);
        return (employer, await api.AddMilestoneAsync(employer, hire.ContractId));
    }

    /// <summary>An approved milestone of a trainer whose payouts are enabled: the payout job will send it.</summary>
    internal static async Task<Guid> ApprovedMilestoneAsync(SafetyApiFactory factory)
    {
        var api = factory.CreateSafetyClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.PayoutReadyTrainerAsync();
        var hire = await api.HireOnNewJobAsync(employer, trainer);
        await Expect.StatusAsync(await api.ApproveAsync(employer, hire.MilestoneId), HttpStatusCode.OK);
        return hire.MilestoneId;
    }

    private static async Task<SafetyApiFactory> RestartAndReconcileAsync(SafetyApiFactory factory)
    {
        factory.Faults.Disarm();
        factory = factory.Restart();
        factory.Clock.Advance(_pastFundingCheck);
        await factory.RunReconciliationAsync();
        return factory;
    }

    private static async Task<SafetyApiFactory> RestartAndPayAsync(SafetyApiFactory factory)
    {
        factory.Faults.Disarm();
        factory = factory.Restart();
        factory.Clock.Advance(_pastClaimLease);
        await factory.RunPayoutJobAsync();
        return factory;
    }

    private static async Task AssertFundedOnceAsync(SafetyApiFactory factory, Guid milestoneId)
    {
        var milestone = await factory.LoadMilestoneAsync(milestoneId);
        Assert.Equal(MilestoneStatus.ActiveFunded, milestone.Status);
        Assert.Equal(1, milestone.Funding.Attempts);
        var intent = Assert.Single(factory.PaymentIntentsOf(milestoneId));
        Assert.Equal("1", intent.Metadata["funding_attempt"]);
        Assert.Equal(intent.Id, milestone.Funding.PaymentIntentId);
        var invoice = Assert.Single(await factory.InvoicesOfAsync(milestoneId));
        Assert.Equal(InvoicePaymentStatus.Paid, invoice.PaymentStatus);

        // A later round finds nothing to do and charges nothing.
        factory.Clock.Advance(TimeSpan.FromHours(1));
        await factory.RunReconciliationAsync();
        Assert.Single(factory.PaymentIntentsOf(milestoneId));
    }

    internal static async Task AssertPaidOnceAsync(SafetyApiFactory factory, Guid milestoneId)
    {
        var milestone = await factory.LoadMilestoneAsync(milestoneId);
        Assert.Equal(MilestoneStatus.Paid, milestone.Status);
        var transfer = Assert.Single(factory.TransfersOf(milestoneId));
        Assert.Equal(transfer.Id, milestone.Payout.TransferId);
        Assert.Equal(milestone.Amount.Amount, transfer.Amount);
        Assert.Single(await factory.InvoicesOfAsync(milestoneId), i => i.Kind == InvoiceKind.TrainerPayout);

        // A later run pays nothing more.
        factory.Clock.Advance(TimeSpan.FromHours(1));
        await factory.RunPayoutJobAsync();
        Assert.Single(factory.TransfersOf(milestoneId));
    }

    private static Task<Guid> FundedMessageAsync(SafetyApiFactory factory, Guid milestoneId) => factory.QueryAsync(db =>
        db.OutboxMessages.Where(m => m.Type == nameof(MilestoneFunded) && m.Payload.Contains(milestoneId.ToString())).Select(m => m.Id).SingleAsync());

    /// <summary>Whatever the gateway threw, the request may have reached the provider: 202, outcome unknown, milestone funding.</summary>
    private static async Task ExpectOutcomeUnknownAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal("unknown", json.RootElement.GetProperty("outcome").GetString());
    }

}
