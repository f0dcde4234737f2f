using System.Net;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Webhooks;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>POST /api/v1/milestones/{id}/refund: support returns held money once, with a credit note; released money never.</summary>
public sealed class RefundMilestoneTests(InvoicingHost factory) : IClassFixture<InvoicingHost>
{
    private const long EmployerTotal = 55_995; // 500.00 + 10% fee + 9.95 contract initiation fee

    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Refund_WhenAdminRefundsActiveFundedMilestone_RefundsTheChargeOnceAndIssuesACreditNote()
    {
        var (employer, _, hire) = await HiredAsync();
        var admin = await _api.AdminAsync();
        var fundingNumber = (await _api.InvoiceAsync(employer, hire.FundingInvoiceId)).Str("number")!;
        var chargeId = (await _api.GetJsonAsync($"/api/v1/milestones/{hire.MilestoneId}", employer)).Str("funding.chargeId")!;

        var refund = await Expect.StatusAsync(await _api.RefundAsync(admin, hire.MilestoneId), HttpStatusCode.OK);

        Assert.Equal("refunded", refund.Str("milestone.status"));
        var refundId = refund.Str("refundId")!;
        Assert.StartsWith("re_", refundId, StringComparison.Ordinal);
        Assert.Equal("refunded", (await _api.GetJsonAsync($"/api/v1/milestones/{hire.MilestoneId}", employer)).Str("status"));
        Assert.Equal("refunded", (await _api.InvoiceAsync(employer, hire.FundingInvoiceId)).Str("paymentStatus"));

        var providerRefund = Assert.Single(factory.Simulator.Refunds(), r => r.Charge == chargeId);
        Assert.Equal(refundId, providerRefund.Id);
        Assert.Equal(EmployerTotal, providerRefund.Amount);
        Assert.Equal("succeeded", providerRefund.Status);

        var creditNote = await _api.InvoiceAsync(employer, refund.Id("creditNoteId"));
        Assert.Matches(@"^CRN-\d{4}-\d{6}$", creditNote.Str("number"));
        Assert.Equal("credit_note", creditNote.Str("kind"));
        Assert.Equal("refund", creditNote.Str("billingType"));
        Assert.Equal("refunded", creditNote.Str("paymentStatus"));
        Assert.Equal(refundId, creditNote.Str("paymentReference"));
        Assert.Equal(hire.MilestoneId, creditNote.Id("milestoneId"));
        Assert.Equal(employer.Id, creditNote.Id("employerId"));
        Assert.Equal(EmployerTotal, creditNote.Long("total"));
        Assert.Equal(
            [$"Refund of {fundingNumber}: {ApiClient.FirstMilestoneDescription}", $"Refund of {fundingNumber}: Marketplace fee", $"Refund of {fundingNumber}: Contract initiation fee"],
            creditNote.Get("lines").EnumerateArray().Select(l => l.Str("description")!));
        Assert.Equal([50_000L, 5_000L, 995L], creditNote.Get("lines").EnumerateArray().Select(l => l.Long("amount")));

        var pdfResponse = await _api.PdfAsync(employer, creditNote.Id());
        Assert.Equal("application/pdf", pdfResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{creditNote.Str("number")}.pdf", pdfResponse.Content.Headers.ContentDisposition?.FileName);
        var pdf = InvoicingPdf.Read(await pdfResponse.Content.ReadAsByteArrayAsync());
        Assert.Equal("Credit note", pdf.Lines[0]);
        Assert.Equal(creditNote.Str("number"), pdf.ValueOf("Invoice number"));
        Assert.Equal("refund", pdf.ValueOf("Billing type"));
        Assert.Equal("refunded", pdf.ValueOf("Payment status"));
        Assert.Equal(refundId, pdf.ValueOf("Payment reference"));
        Assert.Equal("559.95 USD", pdf.ValueOf("Total"));
        Assert.Equal("9.95 USD", pdf.ValueOf($"Refund of {fundingNumber}: Contract initiation fee"));
        Assert.Equal("500.00 USD", pdf.ValueOf($"Milestone: Refund of {fundingNumber}: {ApiClient.FirstMilestoneDescription}"));
        var billTo = pdf.Lines.ToList().IndexOf("Bill to");
        Assert.Equal("Ada Employer", pdf.Lines[billTo + 1]);

        var fundingPdf = InvoicingPdf.Read(await _api.PdfBytesAsync(employer, hire.FundingInvoiceId));
        Assert.Equal("refunded", fundingPdf.ValueOf("Payment status"));
    }

    [Fact]
    public async Task Refund_WhenRepeated_Answers409NotRefundableAndLeavesOneRefund()
    {
        var (_, _, hire) = await HiredAsync();
        var admin = await _api.AdminAsync();
        await Expect.StatusAsync(await _api.RefundAsync(admin, hire.MilestoneId), HttpStatusCode.OK);
        var before = await factory.LedgerSnapshotAsync();

        var repeat = await _api.RefundAsync(admin, hire.MilestoneId);

        await Expect.ProblemAsync(repeat, HttpStatusCode.Conflict, "milestone_not_refundable");
        Assert.Equal(before, await factory.LedgerSnapshotAsync());
        Assert.Single(factory.Simulator.Refunds(), r => r.Charge == ChargeOf(hire));
        Assert.Single(await CreditNotesOfAsync(admin, hire.MilestoneId));
    }

    [Fact]
    public async Task Refund_WhenRepeatedWithTheSameIdempotencyKey_ReplaysTheFirst200()
    {
        var (_, _, hire) = await HiredAsync();
        var admin = await _api.AdminAsync();
        var key = $"refund-{Guid.NewGuid():N}";
        var first = await _api.RefundAsync(admin, hire.MilestoneId, key);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        var repeat = await _api.RefundAsync(admin, hire.MilestoneId, key);

        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(firstBody, await repeat.Content.ReadAsStringAsync());
        Assert.Equal("true", string.Join(",", repeat.Headers.GetValues("Idempotent-Replayed")));
        Assert.Single(factory.Simulator.Refunds(), r => r.Charge == ChargeOf(hire));
        Assert.Single(await CreditNotesOfAsync(admin, hire.MilestoneId));
    }

    [Fact]
    public async Task Refund_WhenMilestoneIsPendingApproval_RefundsIt()
    {
        var (employer, trainer, hire) = await HiredAsync();
        Assert.Equal("pending_approval", (await _api.SubmittedAsync(trainer, hire.MilestoneId)).Str("status"));

        var refund = await Expect.StatusAsync(await _api.RefundAsync(await _api.AdminAsync(), hire.MilestoneId), HttpStatusCode.OK);

        Assert.Equal("refunded", refund.Str("milestone.status"));
        Assert.Equal("refunded", (await _api.InvoiceAsync(employer, hire.FundingInvoiceId)).Str("paymentStatus"));
        Assert.Single(factory.Simulator.Refunds(), r => r.Charge == ChargeOf(hire));
        Assert.Equal("credit_note", (await _api.InvoiceAsync(employer, refund.Id("creditNoteId"))).Str("kind"));
    }

    [Fact]
    public async Task Refund_WhenMilestoneIsPaid_Answers409AndChangesNothing()
    {
        var (employer, trainer, hire) = await HiredAsync();
        await _api.SetUpPayoutsAsync(trainer);
        await _api.ApprovedAsync(employer, hire.MilestoneId);
        Assert.Equal(1, await factory.RunPayoutJobAsync());
        Assert.Equal("paid", (await _api.GetJsonAsync($"/api/v1/milestones/{hire.MilestoneId}", employer)).Str("status"));
        var admin = await _api.AdminAsync();
        var before = await factory.LedgerSnapshotAsync();

        var response = await _api.RefundAsync(admin, hire.MilestoneId);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "milestone_not_refundable");
        Assert.Contains("paid", problem.Str("detail"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await factory.LedgerSnapshotAsync());
        Assert.DoesNotContain(factory.Simulator.Refunds(), r => r.Charge == ChargeOf(hire));
        Assert.Equal("paid", (await _api.InvoiceAsync(employer, hire.FundingInvoiceId)).Str("paymentStatus"));
    }

    [Fact]
    public async Task Refund_WhenPayoutIsPendingOrMilestoneNeverFunded_Answers409AndChangesNothing()
    {
        var (employer, _, hire) = await HiredAsync();
        var unfunded = await _api.AddMilestoneAsync(employer, hire.ContractId);
        await _api.ApprovedAsync(employer, hire.MilestoneId); // the trainer has no payout setup: payout_pending
        var admin = await _api.AdminAsync();
        var before = await factory.LedgerSnapshotAsync();

        await Expect.ProblemAsync(await _api.RefundAsync(admin, hire.MilestoneId), HttpStatusCode.Conflict, "milestone_not_refundable");
        await Expect.ProblemAsync(await _api.RefundAsync(admin, unfunded), HttpStatusCode.Conflict, "milestone_not_refundable");

        Assert.Equal(before, await factory.LedgerSnapshotAsync());
        await Expect.ProblemAsync(await _api.RefundAsync(admin, Guid.CreateVersion7()), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Refund_WhenTheFundingChargeIsDisputed_Answers409DisputedAndChangesNothing()
    {
        var (employer, _, hire) = await HiredAsync();
        var admin = await _api.AdminAsync();
        Assert.Equal(WebhookOutcome.Applied, await factory.SendAsync(new ApplyProviderEventCommand(
            new DisputeChanged($"evt_{Guid.NewGuid():N}", "charge.dispute.created", ChargeOf(hire), "dp_invoicing", Closed: false, "needs_response"))));
        Assert.True((await _api.GetJsonAsync($"/api/v1/milestones/{hire.MilestoneId}", employer)).Get("disputed").GetBoolean());
        var before = await factory.LedgerSnapshotAsync();

        await Expect.ProblemAsync(await _api.RefundAsync(admin, hire.MilestoneId), HttpStatusCode.Conflict, "milestone_disputed");

        Assert.Equal(before, await factory.LedgerSnapshotAsync());
        Assert.DoesNotContain(factory.Simulator.Refunds(), r => r.Charge == ChargeOf(hire));
    }

    [Fact]
    public async Task Refund_WhenAnEarlierFundingAttemptWasDeclined_RefundsAndCreditsThePaidAttemptOnly()
    {
        var (employer, _, hire) = await HiredAsync();
        var milestone = await _api.AddMilestoneAsync(employer, hire.ContractId);
        await _api.AttachPaymentMethodAsync(employer, "pm_card_chargeDeclined");
        await Expect.ProblemAsync(await _api.FundAsync(employer, milestone), HttpStatusCode.PaymentRequired, "card_declined");
        await _api.AttachPaymentMethodAsync(employer, "pm_card_visa");
        var paid = (await _api.FundedAsync(employer, milestone)).Id("invoiceId");
        var failed = Assert.Single(await _api.InvoicesOfMilestoneAsync(employer, milestone), i => i.Str("paymentStatus") == "failed");
        var paidNumber = (await _api.InvoiceAsync(employer, paid)).Str("number");

        var refund = await Expect.StatusAsync(await _api.RefundAsync(await _api.AdminAsync(), milestone), HttpStatusCode.OK);

        Assert.Equal("refunded", (await _api.InvoiceAsync(employer, paid)).Str("paymentStatus"));
        Assert.Equal("failed", (await _api.InvoiceAsync(employer, failed.Id())).Str("paymentStatus"));
        var creditNote = await _api.InvoiceAsync(employer, refund.Id("creditNoteId"));
        Assert.All(creditNote.Get("lines").EnumerateArray(), l => Assert.StartsWith($"Refund of {paidNumber}: ", l.Str("description"), StringComparison.Ordinal));
        Assert.Equal(132_000, creditNote.Long("total"));
        var paidCharge = factory.Simulator.PaymentIntents().Single(pi => pi.Metadata["milestone_id"] == milestone.ToString() && pi.Status == "succeeded").ChargeId;
        Assert.Equal(132_000, Assert.Single(factory.Simulator.Refunds(), r => r.Charge == paidCharge).Amount);
    }

    [Fact]
    public async Task ChargeRefunded_WhenTheProviderReportsAFullRefundOfAHeldMilestone_RecordsItOnceWithACreditNote()
    {
        var (employer, trainer, hire) = await HiredAsync();
        var admin = await _api.AdminAsync();
        var partial = new ChargeRefunded($"evt_{Guid.NewGuid():N}", "charge.refunded", ChargeOf(hire), "re_dashboard_partial", FullyRefunded: false);
        var full = new ChargeRefunded($"evt_{Guid.NewGuid():N}", "charge.refunded", ChargeOf(hire), "re_dashboard_full", FullyRefunded: true);
        await factory.DrainOutboxAsync();
        var before = await factory.LedgerSnapshotAsync();

        Assert.Equal(WebhookOutcome.Ignored, await factory.SendAsync(new ApplyProviderEventCommand(partial)));
        Assert.Equal(before, await factory.LedgerSnapshotAsync());
        Assert.Equal(WebhookOutcome.Applied, await factory.SendAsync(new ApplyProviderEventCommand(full)));
        Assert.Equal(WebhookOutcome.Duplicate, await factory.SendAsync(new ApplyProviderEventCommand(full)));
        Assert.Equal(WebhookOutcome.Ignored, await factory.SendAsync(new ApplyProviderEventCommand(full with { EventId = $"evt_{Guid.NewGuid():N}" })));

        Assert.Equal("refunded", (await _api.GetJsonAsync($"/api/v1/milestones/{hire.MilestoneId}", employer)).Str("status"));
        Assert.Equal("refunded", (await _api.InvoiceAsync(employer, hire.FundingInvoiceId)).Str("paymentStatus"));
        var creditNote = Assert.Single(await CreditNotesOfAsync(admin, hire.MilestoneId));
        Assert.Equal("re_dashboard_full", creditNote.Str("paymentReference"));
        Assert.Equal(EmployerTotal, creditNote.Long("total"));
        Assert.DoesNotContain(factory.Simulator.Refunds(), r => r.Charge == ChargeOf(hire)); // made at the provider, not by us
        await Expect.ProblemAsync(await _api.RefundAsync(admin, hire.MilestoneId), HttpStatusCode.Conflict, "milestone_not_refundable");
        await factory.DrainOutboxAsync();
        Assert.Single(await RefundNotificationsAsync(employer, hire.MilestoneId));
        Assert.Single(await RefundNotificationsAsync(trainer, hire.MilestoneId));
    }

    [Fact]
    public async Task Refund_WhenEmployerOrTrainerCalls_Answers403AndChangesNothing()
    {
        var (employer, trainer, hire) = await HiredAsync();
        var before = await factory.LedgerSnapshotAsync();

        await Expect.ProblemAsync(await _api.RefundAsync(employer, hire.MilestoneId), HttpStatusCode.Forbidden, "forbidden");
        await Expect.ProblemAsync(await _api.RefundAsync(trainer, hire.MilestoneId), HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(before, await factory.LedgerSnapshotAsync());
        Assert.Equal("active_funded", (await _api.GetJsonAsync($"/api/v1/milestones/{hire.MilestoneId}", employer)).Str("status"));
    }

    [Fact]
    public async Task Refund_WhenTheOutboxIsDrained_NotifiesBothParties()
    {
        var (employer, trainer, hire) = await HiredAsync();
        await factory.DrainOutboxAsync();
        await Expect.StatusAsync(await _api.RefundAsync(await _api.AdminAsync(), hire.MilestoneId), HttpStatusCode.OK);
        Assert.Empty(await RefundNotificationsAsync(employer, hire.MilestoneId));

        await factory.DrainOutboxAsync();

        foreach (var party in new[] { employer, trainer })
        {
            var notification = Assert.Single(await RefundNotificationsAsync(party, hire.MilestoneId));
            Assert.Equal("Milestone refunded", notification.Str("title"));
            Assert.True(notification.IsNull("readAt"));
        }

        await factory.DrainOutboxAsync();
        Assert.Single(await RefundNotificationsAsync(employer, hire.MilestoneId));
    }

    [Fact]
    public async Task Escrow_WhenMilestonesArePaidRefundedAndHeld_BalancesAndEqualsTheInvoices()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        await _api.SetUpPayoutsAsync(trainer);
        var admin = await _api.AdminAsync();
        var hire = await _api.HireOnNewJobAsync(employer, trainer); // 500.00, paid out below
        var refunded = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 120_000);
        var held = await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 33_300);
        await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 77_700); // never funded: not escrow
        await _api.FundedAsync(employer, refunded);
        await _api.FundedAsync(employer, held);
        await _api.ApprovedAsync(employer, hire.MilestoneId);
        Assert.Equal(1, await factory.RunPayoutJobAsync());
        var beforeRefund = (await _api.GetJsonAsync($"/api/v1/contracts/{hire.ContractId}", employer)).Get("escrow");

        await Expect.StatusAsync(await _api.RefundAsync(admin, refunded), HttpStatusCode.OK);

        var escrow = (await _api.GetJsonAsync($"/api/v1/contracts/{hire.ContractId}", employer)).Get("escrow");
        Assert.Equal((203_300L, 153_300L, 50_000L, 0L), Totals(beforeRefund));
        Assert.Equal((203_300L, 33_300L, 50_000L, 120_000L), Totals(escrow));
        Assert.Equal("USD", escrow.Str("currency"));
        Assert.Equal(escrow.Long("funded"), escrow.Long("inEscrow") + escrow.Long("released") + escrow.Long("refunded"));

        // The same money, summed from the invoices an accountant sees.
        var invoices = (await _api.ReportJsonAsync(admin, $"jobId={hire.JobId}&limit=100")).Items();
        var fundings = invoices.Where(i => i.Str("kind") == "employer_funding").ToList();
        long MilestoneLines(IEnumerable<JsonElement> of) =>
            of.SelectMany(i => i.Get("lines").EnumerateArray()).Where(l => l.Str("kind") == "milestone").Sum(l => l.Long("amount"));
        Assert.Equal(escrow.Long("funded"), MilestoneLines(fundings.Where(i => i.Str("paymentStatus") is "paid" or "refunded")));
        Assert.Equal(escrow.Long("refunded"), MilestoneLines(fundings.Where(i => i.Str("paymentStatus") == "refunded")));
        Assert.Equal(escrow.Long("released"), invoices.Where(i => i.Str("kind") == "trainer_payout").Sum(i => i.Long("total")));
        Assert.Equal(escrow.Long("inEscrow"), MilestoneLines(fundings.Where(i => i.Str("paymentStatus") == "paid")) - escrow.Long("released"));
        Assert.Equal(escrow.Long("refunded"), MilestoneLines(invoices.Where(i => i.Str("kind") == "credit_note")));

        // The employer's billing page sums all their contracts: this one and another with 250.00 held.
        var other = await _api.HireOnNewJobAsync(employer, trainer, jobTitle: "Second project", amount: 25_000);
        var billing = (await _api.GetJsonAsync("/api/v1/billing", employer)).Get("escrow");
        Assert.Equal((228_300L, 58_300L, 50_000L, 120_000L), Totals(billing));
        Assert.Equal(billing.Long("funded"), billing.Long("inEscrow") + billing.Long("released") + billing.Long("refunded"));
        var all = (await _api.ReportJsonAsync(employer, "kind=employer_funding&limit=100")).Items();
        Assert.Equal(billing.Long("funded"), MilestoneLines(all.Where(i => i.Str("paymentStatus") is "paid" or "refunded")));
        Assert.Equal(billing.Long("refunded"), MilestoneLines(all.Where(i => i.Str("paymentStatus") == "refunded")));
        Assert.Equal((25_000L, 25_000L, 0L, 0L), Totals((await _api.GetJsonAsync($"/api/v1/contracts/{other.ContractId}", employer)).Get("escrow")));

        // The trainer sees the same escrow on the contract.
        Assert.Equal(Totals(escrow), Totals((await _api.GetJsonAsync($"/api/v1/contracts/{hire.ContractId}", trainer)).Get("escrow")));
    }

    private async Task<(Actor Employer, Actor Trainer, Hired Hire)> HiredAsync()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        return (employer, trainer, await _api.HireOnNewJobAsync(employer, trainer));
    }

    private string ChargeOf(Hired hire) =>
        factory.Simulator.PaymentIntents().Single(pi => pi.Metadata.TryGetValue("milestone_id", out var m) && m == hire.MilestoneId.ToString()).ChargeId!;

    private async Task<IReadOnlyList<JsonElement>> CreditNotesOfAsync(Actor admin, Guid milestoneId) =>
        [.. (await _api.ReportJsonAsync(admin, "kind=credit_note&limit=1000")).Items().Where(i => i.Id("milestoneId") == milestoneId)];

    private async Task<IReadOnlyList<JsonElement>> RefundNotificationsAsync(Actor actor, Guid milestoneId) =>
        [.. (await _api.GetJsonAsync("/api/v1/notifications?limit=200", actor)).Items()
            .Where(n => n.Str("kind") == "milestone_refunded" && n.Get("milestoneId").ValueKind != JsonValueKind.Null && n.Id("milestoneId") == milestoneId)];

    private static (long Funded, long InEscrow, long Released, long Refunded) Totals(JsonElement escrow) =>
        (escrow.Long("funded"), escrow.Long("inEscrow"), escrow.Long("released"), escrow.Long("refunded"));
}
