using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>
/// Issue 6 §4: a provider timeout after the request left is neither success nor failure. The API
/// says so (202, outcome unknown), the milestone stays in flight, and reconciliation asks the
/// provider with the same idempotency key until it converges, never creating a second charge.
/// </summary>
public sealed class SafetyOutcomeUnknownTests
{
    private static readonly TimeSpan _pastFirstCheck = new Application.Common.FundingOptions().CheckDelay(0) + TimeSpan.FromSeconds(1);

    // Guards: FundingProcess treating PaymentProviderException as Unknown (not a decline, not a 5xx) and ReconcileFundings re-sending the same keyed request.
    [Fact]
    public async Task Fund_WhenTheProviderTimesOutAfterCharging_Answers202UnknownAndReconciliationFundsWithoutASecondCharge()
    {
        using var factory = SafetyHost.Start();
        var api = factory.CreateApiClient();
        var (employer, milestoneId) = await SafetyCrashPoints.FundableMilestoneAsync(factory);
        factory.Faults.FailGateway("FundAsync", SafetyFaultPoint.AfterProviderSucceeded, () => new PaymentProviderException("The request to the provider timed out."));

        // The provider's events are not listed either (its webhooks lost too): only asking about the attempt can settle it.
        factory.Faults.FailGateway("ListEventsAsync", SafetyFaultPoint.BeforeProviderCall, () => new PaymentProviderException("events unavailable"), times: 100);

        var response = await api.FundAsync(employer, milestoneId);

        var body = await Expect.StatusAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("unknown", body.Str("outcome"));
        Assert.Equal("funding", body.Str("milestone.status"));
        Assert.Equal($"/api/v1/milestones/{milestoneId}", response.Headers.Location?.OriginalString);
        Assert.Equal(MilestoneStatus.Funding, (await factory.LoadMilestoneAsync(milestoneId)).Status);
        Assert.Single(factory.PaymentIntentsOf(milestoneId));

        // Not due yet: nothing is asked.
        await factory.RunReconciliationJobAsync();
        Assert.Equal(MilestoneStatus.Funding, (await factory.LoadMilestoneAsync(milestoneId)).Status);

        factory.Clock.Advance(_pastFirstCheck);
        await factory.RunReconciliationJobAsync();

        var funded = await factory.LoadMilestoneAsync(milestoneId);
        Assert.Equal(MilestoneStatus.ActiveFunded, funded.Status);
        var intent = Assert.Single(factory.PaymentIntentsOf(milestoneId));
        Assert.Equal(intent.Id, funded.Funding.PaymentIntentId);
        Assert.Equal("active_funded", (await Expect.StatusAsync(await api.GetAsync($"/api/v1/milestones/{milestoneId}", employer), HttpStatusCode.OK)).Str("status"));
    }

    // Guards: reconciliation keeping an unknown outcome in flight (ScheduleFundingCheck) while the provider stays silent, and converging once it answers.
    [Fact]
    public async Task Fund_WhenTheProviderStaysSilentDuringTheFirstCheck_ReconciliationKeepsAskingAndConvergesWithOneCharge()
    {
        using var factory = SafetyHost.Start();
        var (employer, milestoneId) = await SafetyCrashPoints.FundableMilestoneAsync(factory);
        factory.Faults.FailGateway("FundAsync", SafetyFaultPoint.AfterProviderSucceeded, () => new PaymentProviderException("timeout"), times: 2);
        factory.Faults.FailGateway("ListEventsAsync", SafetyFaultPoint.BeforeProviderCall, () => new PaymentProviderException("events unavailable"), times: 100);
        var calls = factory.Faults.GatewayCalls("FundAsync");
        await Expect.StatusAsync(await factory.CreateApiClient().FundAsync(employer, milestoneId), HttpStatusCode.Accepted);

        factory.Clock.Advance(_pastFirstCheck);
        await factory.RunReconciliationJobAsync();
        var stillInFlight = await factory.LoadMilestoneAsync(milestoneId);
        Assert.Equal(MilestoneStatus.Funding, stillInFlight.Status);
        Assert.NotNull(stillInFlight.NextFundingCheckAt);

        factory.Clock.Advance(TimeSpan.FromHours(1));
        await factory.RunReconciliationJobAsync();

        Assert.Equal(MilestoneStatus.ActiveFunded, (await factory.LoadMilestoneAsync(milestoneId)).Status);
        Assert.Single(factory.PaymentIntentsOf(milestoneId));
        
        // The fund and two checks each sent the same keyed request; the provider made one charge.
        Assert.Equal(calls + 3, factory.Faults.GatewayCalls("FundAsync"));
    }

    // Guards: the same for a hire (202 with the contract pending), where the first milestone's funding is converged by reconciliation.
    [Fact]
    public async Task Hire_WhenTheProviderTimesOutAfterCharging_Answers202AndReconciliationActivatesTheContractWithOneCharge()
    {
        using var factory = SafetyHost.Start();
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.TrainerAsync();
        var jobId = await api.CreateJobAsync(employer);
        factory.Faults.FailGateway("FundAsync", SafetyFaultPoint.AfterProviderSucceeded, () => new PaymentProviderException("timeout"));

        var body = await Expect.StatusAsync(await api.HireAsync(employer, jobId, trainer), HttpStatusCode.Accepted);

        Assert.Equal("unknown", body.Str("funding.outcome"));
        Assert.Equal("funding", body.Str("funding.milestone.status"));
        Assert.Equal("pending", body.Str("contract.status"));
        var milestoneId = body.Id("funding.milestone.id");
        factory.Clock.Advance(_pastFirstCheck);
        await factory.RunReconciliationJobAsync();
        Assert.Equal(MilestoneStatus.ActiveFunded, (await factory.LoadMilestoneAsync(milestoneId)).Status);
        Assert.Equal(ContractStatus.Active, (await factory.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Set<Contract>(), c => c.Id == new Domain.Common.ContractId(body.Id("contract.id"))))).Status);
        Assert.Single(factory.PaymentIntentsOf(milestoneId));
    }

    // Guards: PayoutProcess treating a transfer timeout as Unknown (retry later with the same key payout-{milestone}), never as failed or paid.
    [Fact]
    public async Task Payout_WhenTheTransferTimesOutAfterItWasMade_TheRetryFindsTheSameTransferAndPaysOnce()
    {
        using var factory = SafetyHost.Start();
        var milestoneId = await SafetyCrashPoints.ApprovedMilestoneAsync(factory);
        factory.Faults.FailGateway("TransferAsync", SafetyFaultPoint.AfterProviderSucceeded, () => new PaymentProviderException("timeout"));

        await factory.RunPayoutJobAsync();

        var retrying = await factory.LoadMilestoneAsync(milestoneId);
        Assert.Equal(MilestoneStatus.PayoutPending, retrying.Status);
        Assert.Equal(PayoutStatus.Pending, retrying.Payout.Status);
        Assert.Equal(PayoutPendingReason.Retrying, retrying.Payout.Reason);
        Assert.Single(factory.TransfersOf(milestoneId));

        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        await factory.RunPayoutJobAsync();

        await SafetyCrashPoints.AssertPaidOnceAsync(factory, milestoneId);
    }
}
