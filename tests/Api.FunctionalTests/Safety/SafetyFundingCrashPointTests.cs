using System.Net;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Notifications;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;
using static OpenTrain.Clean.Api.FunctionalTests.Safety.SafetyCrashPoints;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>
/// Issue 6 §2, funding: a failure injected at each step of funding, then a restart (a new host on the
/// same database and simulator ledger) and reconciliation's next run: exactly one charge per funding
/// attempt, and the milestone funded.
/// </summary>
public sealed class SafetyFundingCrashPointTests
{
    // Guards: the attempt committed before the provider call (BeginFunding) and reconciliation's re-drive of a funding with no recorded intent.
    [Fact]
    public async Task Fund_WhenTheProcessCrashesBeforeTheProviderCall_ReconciliationAfterRestartChargesOnceAndFunds()
    {
        var factory = SafetyHost.Start();
        try
        {
            var (employer, milestoneId) = await FundableMilestoneAsync(factory);
            factory.Faults.FailGateway("FundAsync", SafetyFaultPoint.BeforeProviderCall);

            await ExpectOutcomeUnknownAsync(await factory.CreateApiClient().FundAsync(employer, milestoneId));
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
        var factory = SafetyHost.Start();
        try
        {
            var (employer, milestoneId) = await FundableMilestoneAsync(factory);
            factory.Faults.FailGateway("FundAsync", SafetyFaultPoint.AfterProviderSucceeded);

            await ExpectOutcomeUnknownAsync(await factory.CreateApiClient().FundAsync(employer, milestoneId));
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
        var factory = SafetyHost.Start();
        try
        {
            var (employer, milestoneId) = await FundableMilestoneAsync(factory);
            factory.Faults.FailGateway("FundAsync", SafetyFaultPoint.AfterProviderSucceeded);
            await ExpectOutcomeUnknownAsync(await factory.CreateApiClient().FundAsync(employer, milestoneId));
            var sent = factory.Faults.FundRequests[^1];

            // The employer changes the default payment method while the attempt is in flight.
            await Expect.StatusAsync(await factory.CreateApiClient().PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId = "pm_card_mastercard" }), HttpStatusCode.OK);
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
        var factory = SafetyHost.Start();
        try
        {
            var (employer, milestoneId) = await FundableMilestoneAsync(factory);

            // Unit of work 1 begins the funding, 2 records the provider's answer.
            factory.Faults.FailUnitOfWorkCall(2);

            await Expect.ProblemAsync(await factory.CreateApiClient().FundAsync(employer, milestoneId), HttpStatusCode.InternalServerError, "internal_error");
            Assert.Single(factory.PaymentIntentsOf(milestoneId));
            Assert.Equal(MilestoneStatus.Funding, (await factory.LoadMilestoneAsync(milestoneId)).Status);
            Assert.Empty(await factory.LoadInvoicesOfMilestoneAsync(milestoneId));

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
        var factory = ApiFactory.Create(SafetyHost.HostOptions with { Services = effects.Register<MilestoneFunded>() });
        try
        {
            var (employer, milestoneId) = await FundableMilestoneAsync(factory);
            await factory.DrainOutboxAsync();
            await Expect.StatusAsync(await factory.CreateApiClient().FundAsync(employer, milestoneId), HttpStatusCode.OK);
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
}
