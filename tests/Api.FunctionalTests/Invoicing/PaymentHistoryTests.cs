using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>GET /api/v1/contracts/{id}/payments: each approved milestone with its money, dates, payout and both invoices.</summary>
public sealed class PaymentHistoryTests(InvoicingHost factory) : IClassFixture<InvoicingHost>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task GetPayments_WhenMilestonesArePaidPendingHeldAndRefunded_ListsTheApprovedOnesWithBothInvoices()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        await _api.SetUpPayoutsAsync(trainer);
        var hire = await _api.HireOnNewJobAsync(employer, trainer); // 500.00: approved and paid
        var pending = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 120_000, title: "Batch 2"); // approved, payout not sent yet
        var held = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 30_000, title: "Batch 3"); // funded, not approved
        var refunded = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 40_000, title: "Batch 4");
        await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 60_000, title: "Batch 5"); // never funded
        var pendingInvoice = (await _api.FundedAsync(employer, pending)).Id("invoiceId");
        await _api.FundedAsync(employer, held);
        await _api.FundedAsync(employer, refunded);
        await Expect.StatusAsync(await _api.RefundAsync(await _api.AdminAsync(), refunded), HttpStatusCode.OK);

        factory.Clock.Advance(TimeSpan.FromHours(2));
        var firstApprovedAt = factory.Clock.GetUtcNow();
        await _api.SubmittedAsync(trainer, hire.MilestoneId);
        await _api.ApprovedAsync(employer, hire.MilestoneId);
        Assert.Equal(1, await factory.RunPayoutJobAsync());
        factory.Clock.Advance(TimeSpan.FromHours(3));
        var secondApprovedAt = factory.Clock.GetUtcNow();
        await _api.ApprovedAsync(employer, pending);

        var history = await _api.GetJsonAsync($"/api/v1/contracts/{hire.ContractId}/payments", employer);

        Assert.Equal(hire.ContractId, history.Id("contractId"));
        var payments = history.Items("payments");
        Assert.Equal([hire.MilestoneId, pending], payments.Select(p => p.Id("milestoneId")));

        var paid = payments[0];
        var payoutInvoice = Assert.Single(await _api.InvoicesOfMilestoneAsync(trainer, hire.MilestoneId));
        Assert.Equal(1, paid.Get("sequence").GetInt32());
        Assert.Equal("Batch 1", paid.Str("title"));
        Assert.Equal(50_000, paid.Long("amount"));
        Assert.Equal("USD", paid.Str("currency"));
        Assert.Equal(firstApprovedAt, paid.Get("approvedAt").GetDateTimeOffset());
        Assert.Equal("paid", paid.Str("status"));
        Assert.Equal("paid", paid.Str("payoutStatus"));
        Assert.Equal(firstApprovedAt, paid.Get("paidAt").GetDateTimeOffset());
        Assert.StartsWith("tr_", paid.Str("transferId"), StringComparison.Ordinal);
        Assert.Equal(hire.FundingInvoiceId, paid.Id("fundingInvoiceId"));
        Assert.Equal(payoutInvoice.Id(), paid.Id("payoutInvoiceId"));
        Assert.Equal(paid.Str("transferId"), payoutInvoice.Str("paymentReference"));

        var waiting = payments[1];
        Assert.Equal(2, waiting.Get("sequence").GetInt32());
        Assert.Equal(120_000, waiting.Long("amount"));
        Assert.Equal(secondApprovedAt, waiting.Get("approvedAt").GetDateTimeOffset());
        Assert.Equal("payout_pending", waiting.Str("status"));
        Assert.Equal("pending", waiting.Str("payoutStatus"));
        Assert.True(waiting.IsNull("paidAt"));
        Assert.True(waiting.IsNull("transferId"));
        Assert.Equal(pendingInvoice, waiting.Id("fundingInvoiceId"));
        Assert.True(waiting.IsNull("payoutInvoiceId"));

        // Totals: funded = held + released + refunded; fees are not escrow; the unfunded milestone counts nowhere.
        var totals = history.Get("totals");
        Assert.Equal(240_000, totals.Long("funded"));
        Assert.Equal(50_000, totals.Long("released"));
        Assert.Equal(150_000, totals.Long("inEscrow"));
        Assert.Equal(40_000, totals.Long("refunded"));
        Assert.Equal("USD", totals.Str("currency"));

        // Once the second payout is sent, its payout invoice appears and the money moves from escrow to released.
        Assert.Equal(1, await factory.RunPayoutJobAsync());
        var after = await _api.GetJsonAsync($"/api/v1/contracts/{hire.ContractId}/payments", employer);
        var sent = after.Items("payments")[1];
        Assert.Equal("paid", sent.Str("status"));
        Assert.Equal(Assert.Single(await _api.InvoicesOfMilestoneAsync(trainer, pending)).Id(), sent.Id("payoutInvoiceId"));
        Assert.Equal(170_000, after.Long("totals.released"));
        Assert.Equal(30_000, after.Long("totals.inEscrow"));
        Assert.Equal(240_000, after.Long("totals.funded"));
    }

    [Fact]
    public async Task GetPayments_WhenNothingIsApprovedYet_ListsNothingButCountsTheEscrow()
    {
        var employer = await _api.EmployerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());

        var history = await _api.GetJsonAsync($"/api/v1/contracts/{hire.ContractId}/payments", employer);

        Assert.Empty(history.Items("payments"));
        Assert.Equal(50_000, history.Long("totals.funded"));
        Assert.Equal(50_000, history.Long("totals.inEscrow"));
        Assert.Equal(0, history.Long("totals.released"));
    }

    [Fact]
    public async Task GetPayments_WhenTheTrainerAsks_SeesTheSameHistoryAndStrangersGet404()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, trainer);
        await _api.ApprovedAsync(employer, hire.MilestoneId);
        var path = $"/api/v1/contracts/{hire.ContractId}/payments";

        var asEmployer = await _api.GetJsonAsync(path, employer);
        var asTrainer = await _api.GetJsonAsync(path, trainer);

        Assert.Equal(asEmployer.GetRawText(), asTrainer.GetRawText());
        Assert.Equal("payout_pending", Assert.Single(asTrainer.Items("payments")).Str("status"));
        await Expect.ProblemAsync(await _api.GetAsync(path, await _api.EmployerAsync(name: "Eve Elsewhere")), HttpStatusCode.NotFound, "not_found");
        await Expect.ProblemAsync(await _api.GetAsync(path, await _api.TrainerAsync(name: "Mallory Trainer")), HttpStatusCode.NotFound, "not_found");
    }
}
