using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Api.FunctionalTests.Safety;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;
using static OpenTrain.Clean.Api.FunctionalTests.Safety.SafetyCrashPoints;

namespace OpenTrain.Clean.Api.FunctionalTests.Release;

/// <summary>
/// Issue 13: a payout batch is claimed, sent and recorded together. An account the provider disabled before our copy
/// knew is caught by the provider's refusal, a milestone changed during the transfers is recorded on its own, and a
/// payout that fails leaves the others paid once each, with one transfer and one payout invoice.
/// </summary>
public sealed class ReleasePayoutBatchTests
{
    // Guards: a batch checks its trainers' accounts once, in our copy, when it claims (PayoutSteps.ClaimBatchAsync); an account
    // the provider disabled before our copy learnt it is the provider's to catch: it refuses each transfer, the batch asks
    // the provider about the account once (PayoutSteps.RecordOutcomesAsync), and every payout waits for the trainer's setup.
    [Fact]
    public async Task PayoutBatch_WhenTheProviderDisabledTheAccountBeforeOurCopyKnew_EachTransferIsRefusedAndThePayoutsWaitForSetup()
    {
        using var factory = SafetyHost.Start();
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.PayoutReadyTrainerAsync();
        var hire = await api.HireOnNewJobAsync(employer, trainer);
        var second = await api.AddMilestoneAsync(employer, hire.ContractId, amount: 30_000);
        await api.FundedAsync(employer, second);
        await api.ApprovedAsync(employer, hire.MilestoneId);
        await api.ApprovedAsync(employer, second);
        var accountId = await factory.QueryAsync(async db =>
            (await db.Set<TrainerPayoutAccount>().SingleAsync(a => a.Id == new UserId(trainer.Id))).ConnectedAccountId!);

        // The provider disables the trainer's transfers; its webhook has not reached us, so our copy still says enabled.
        Assert.NotNull(factory.Simulator.CompleteOnboarding(accountId, transfers: false));
        var accountReads = factory.Faults.GatewayCalls("GetConnectedAccountAsync");
        Assert.Equal(2, await factory.RunPayoutJobAsync());

        foreach (var id in new[] { hire.MilestoneId, second })
        {
            var waiting = await factory.LoadMilestoneAsync(id);
            Assert.Equal(MilestoneStatus.PayoutPending, waiting.Status);
            Assert.Equal(PayoutPendingReason.PayoutSetupIncomplete, waiting.Payout.Reason);
            Assert.Null(waiting.NextPayoutAttemptAt);
            Assert.Empty(factory.TransfersOf(id));
            Assert.DoesNotContain(await factory.LoadInvoicesOfMilestoneAsync(id), i => i.Kind == InvoiceKind.TrainerPayout);
        }

        Assert.Equal(2, factory.Faults.GatewayCalls("TransferAsync"));
        Assert.Equal(accountReads + 1, factory.Faults.GatewayCalls("GetConnectedAccountAsync"));
        Assert.False((await factory.QueryAsync(db => db.Set<TrainerPayoutAccount>().SingleAsync(a => a.Id == new UserId(trainer.Id)))).CanReceiveTransfers);
    }

    // Guards: the batch's one record transaction (PayoutProcess.RecordAsync) falling back to one transaction per payout when a
    // milestone of the batch changed during the transfers: the others are still paid once, and the changed one is recorded
    // as it now stands (a dispute opened meanwhile parks the transfer for an admin), never lost with the batch.
    [Fact]
    public async Task PayoutBatch_WhenADisputeOpensOnOneMilestoneDuringTheTransfers_TheOthersArePaidOnceAndTheDisputedOneIsParked()
    {
        using var factory = SafetyHost.Start();
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.PayoutReadyTrainerAsync();
        var hire = await api.HireOnNewJobAsync(employer, trainer);
        var milestones = new List<Guid> { hire.MilestoneId };
        for (var i = 0; i < 2; i++)
        {
            var added = await api.AddMilestoneAsync(employer, hire.ContractId, amount: 30_000 + i);
            await api.FundedAsync(employer, added);
            milestones.Add(added);
        }

        foreach (var id in milestones)
        {
            await api.ApprovedAsync(employer, id);
        }

        var hold = factory.Faults.HoldGateway("TransferAsync");
        var run = factory.RunPayoutJobAsync();
        await hold.Entered;

        // While the batch's first transfer is in flight, the employer's bank disputes the funding of one milestone.
        var disputed = milestones[^1];
        await factory.QueryAsync(async db =>
        {
            var milestone = await db.Set<Milestone>().SingleAsync(m => m.Id == new MilestoneId(disputed));
            milestone.OpenDispute("dp_batch", factory.Clock.GetUtcNow());
            return await db.SaveChangesAsync();
        });
        hold.Release();
        Assert.Equal(3, await run);

        foreach (var id in milestones.Where(id => id != disputed))
        {
            await AssertPaidOnceAsync(factory, id);
        }

        var parked = await factory.LoadMilestoneAsync(disputed);
        var transfer = Assert.Single(factory.TransfersOf(disputed));
        Assert.Equal(MilestoneStatus.PayoutPending, parked.Status);
        Assert.Equal(PayoutStatus.Failed, parked.Payout.Status);
        Assert.Contains(transfer.Id, parked.Payout.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(await factory.LoadInvoicesOfMilestoneAsync(disputed), i => i.Kind == InvoiceKind.TrainerPayout);
        Assert.Equal(3, factory.Faults.GatewayCalls("TransferAsync"));
    }

    // Guards: one payout's failure stays its own: the others of the batch are paid once, each with one payout invoice.
    [Fact]
    public async Task PayoutBatch_WhenOnePayoutsTransferFails_TheOthersArePaidOnceAndTheFailedOneOnceLater()
    {
        using var factory = SafetyHost.Start();
        var milestones = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            milestones.Add(await ApprovedMilestoneAsync(factory));
        }

        // The first transfer of the batch throws before it reaches the provider; the outcome is unknown.
        factory.Faults.FailGateway("TransferAsync", SafetyFaultPoint.BeforeProviderCall);
        Assert.Equal(4, await factory.RunPayoutJobAsync());

        var states = new List<Milestone>();
        foreach (var id in milestones)
        {
            states.Add(await factory.LoadMilestoneAsync(id));
        }

        var failed = Assert.Single(states, m => m.Status == MilestoneStatus.PayoutPending);
        Assert.Equal(PayoutPendingReason.Retrying, failed.Payout.Reason);
        Assert.Empty(factory.TransfersOf(failed.Id.Value));
        foreach (var paid in states.Where(m => m.Status == MilestoneStatus.Paid))
        {
            Assert.Single(factory.TransfersOf(paid.Id.Value));
            Assert.Single(await factory.LoadInvoicesOfMilestoneAsync(paid.Id.Value), i => i.Kind == InvoiceKind.TrainerPayout);
        }

        Assert.Equal(3, states.Count(m => m.Status == MilestoneStatus.Paid));

        // Its retry, when due, pays it once; the others are not paid again.
        factory.Clock.Advance(TimeSpan.FromHours(1));
        await factory.RunPayoutJobAsync();
        foreach (var id in milestones)
        {
            await AssertPaidOnceAsync(factory, id);
        }
    }
}
