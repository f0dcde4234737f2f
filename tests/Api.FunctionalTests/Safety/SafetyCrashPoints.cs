using System.Net;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>The arrangements, restarts and final checks the crash-point tests share.</summary>
internal static class SafetyCrashPoints
{
    internal static readonly TimeSpan PastFundingCheck = Milestone.FundingCheckGrace + TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan PastClaimLease = new PayoutOptions().ClaimLease + TimeSpan.FromSeconds(1);

    /// <summary>An employer (pm_card_visa) with a contract and a second milestone not funded yet.</summary>
    internal static async Task<(Actor Employer, Guid MilestoneId)> FundableMilestoneAsync(ApiFactory factory)
    {
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.TrainerAsync();
        var hire = await api.HireOnNewJobAsync(employer, trainer);
        return (employer, await api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000));
    }

    /// <summary>An approved milestone of a trainer whose payouts are enabled: the payout job will send it.</summary>
    internal static async Task<Guid> ApprovedMilestoneAsync(ApiFactory factory)
    {
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.PayoutReadyTrainerAsync();
        var hire = await api.HireOnNewJobAsync(employer, trainer);
        await Expect.StatusAsync(await api.ApproveAsync(employer, hire.MilestoneId), HttpStatusCode.OK);
        return hire.MilestoneId;
    }

    internal static async Task<ApiFactory> RestartAndReconcileAsync(ApiFactory factory)
    {
        factory.Faults.Disarm();
        factory = factory.Restart();
        factory.Clock.Advance(PastFundingCheck);
        await factory.RunReconciliationJobAsync();
        return factory;
    }

    internal static async Task<ApiFactory> RestartAndPayAsync(ApiFactory factory)
    {
        factory.Faults.Disarm();
        factory = factory.Restart();
        factory.Clock.Advance(PastClaimLease);
        await factory.RunPayoutJobAsync();
        return factory;
    }

    internal static async Task AssertFundedOnceAsync(ApiFactory factory, Guid milestoneId)
    {
        var milestone = await factory.LoadMilestoneAsync(milestoneId);
        Assert.Equal(MilestoneStatus.ActiveFunded, milestone.Status);
        Assert.Equal(1, milestone.Funding.Attempts);
        var intent = Assert.Single(factory.PaymentIntentsOf(milestoneId));
        Assert.Equal("1", intent.Metadata["funding_attempt"]);
        Assert.Equal(intent.Id, milestone.Funding.PaymentIntentId);
        var invoice = Assert.Single(await factory.LoadInvoicesOfMilestoneAsync(milestoneId));
        Assert.Equal(InvoicePaymentStatus.Paid, invoice.PaymentStatus);

        // A later round finds nothing to do and charges nothing.
        factory.Clock.Advance(TimeSpan.FromHours(1));
        await factory.RunReconciliationJobAsync();
        Assert.Single(factory.PaymentIntentsOf(milestoneId));
    }

    internal static async Task AssertPaidOnceAsync(ApiFactory factory, Guid milestoneId)
    {
        var milestone = await factory.LoadMilestoneAsync(milestoneId);
        Assert.Equal(MilestoneStatus.Paid, milestone.Status);
        var transfer = Assert.Single(factory.TransfersOf(milestoneId));
        Assert.Equal(transfer.Id, milestone.Payout.TransferId);
        Assert.Equal(milestone.Amount.Amount, transfer.Amount);
        Assert.Single(await factory.LoadInvoicesOfMilestoneAsync(milestoneId), i => i.Kind == InvoiceKind.TrainerPayout);

        // A later run pays nothing more.
        factory.Clock.Advance(TimeSpan.FromHours(1));
        await factory.RunPayoutJobAsync();
        Assert.Single(factory.TransfersOf(milestoneId));
    }

    internal static Task<Guid> FundedMessageAsync(ApiFactory factory, Guid milestoneId) => factory.QueryAsync(db =>
        db.OutboxMessages.Where(m => m.Type == nameof(MilestoneFunded) && m.Payload.Contains(milestoneId.ToString())).Select(m => m.Id).SingleAsync());

    /// <summary>Whatever the gateway threw, the request may have reached the provider: 202, outcome unknown, milestone funding.</summary>
    internal static async Task ExpectOutcomeUnknownAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal("unknown", json.RootElement.GetProperty("outcome").GetString());
    }
}
