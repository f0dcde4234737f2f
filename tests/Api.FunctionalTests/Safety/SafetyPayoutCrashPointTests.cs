using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;
using static OpenTrain.Clean.Api.FunctionalTests.Safety.SafetyCrashPoints;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>
/// Issue 6 §2, payout: a failure injected at each step of a payout, then a restart (a new host on the
/// same database and simulator ledger) and the payout job's next run: exactly one transfer per
/// milestone, and the milestone paid.
/// </summary>
public sealed class SafetyPayoutCrashPointTests
{
    // Guards: the payout claim committed before the transfer (ClaimPayout) and the payout job picking the payout up again when the claim lapses.
    [Fact]
    public async Task Payout_WhenTheProcessCrashesBeforeTheTransfer_ThePayoutJobAfterRestartPaysOnce()
    {
        var factory = SafetyHost.Start();
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
        var factory = SafetyHost.Start();
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

            factory.Clock.Advance(PastClaimLease);
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
        var factory = SafetyHost.Start();
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
        var factory = ApiFactory.Create(SafetyHost.HostOptions with { Services = effects.Register<PayoutAccountEnabled>() });
        try
        {
            var api = factory.CreateApiClient();
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
}
