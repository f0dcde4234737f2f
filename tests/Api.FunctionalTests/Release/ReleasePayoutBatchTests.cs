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
/// Issue 13: a payout batch pays each payout in a scope of its own. What one payout loaded (its trainer's
/// account, its milestone) is never reused by the next, and a payout that fails leaves the others paid
/// once each, with one transfer and one payout invoice.
/// </summary>
public sealed class ReleasePayoutBatchTests
{
    // Guards: the per-payout scope (PayoutProcess.PayDueAsync): a batch sharing one change tracker would find the
    // trainer's account as the first payout loaded it, still enabled, and send the second transfer to a disabled account.
    [Fact]
    public async Task PayoutBatch_WhenTheTrainersAccountIsDisabledDuringTheFirstTransfer_TheSecondPayoutReadsItAgainAndWaits()
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

        var hold = factory.Faults.HoldGateway("TransferAsync");
        var run = factory.RunPayoutJobAsync();
        await hold.Entered;

        // While the first transfer is in flight, the provider disables the trainer's payouts.
        await factory.QueryAsync(async db =>
        {
            var account = await db.Set<TrainerPayoutAccount>().SingleAsync(a => a.Id == new UserId(trainer.Id));
            account.ApplyProviderStatus(payoutsEnabled: false, transfersActive: false, ["external_account"], detailsSubmitted: true, factory.Clock.GetUtcNow());
            return await db.SaveChangesAsync();
        });
        hold.Release();
        Assert.Equal(1, await run);

        var milestones = new[] { await factory.LoadMilestoneAsync(hire.MilestoneId), await factory.LoadMilestoneAsync(second) };
        var paid = Assert.Single(milestones, m => m.Status == MilestoneStatus.Paid);
        var waiting = Assert.Single(milestones, m => m.Status == MilestoneStatus.PayoutPending);
        Assert.Equal(PayoutPendingReason.PayoutSetupIncomplete, waiting.Payout.Reason);
        Assert.Empty(factory.TransfersOf(waiting.Id.Value));
        Assert.DoesNotContain(await factory.LoadInvoicesOfMilestoneAsync(waiting.Id.Value), i => i.Kind == InvoiceKind.TrainerPayout);
        Assert.Equal(1, factory.Faults.GatewayCalls("TransferAsync"));
        await AssertPaidOnceAsync(factory, paid.Id.Value);
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
