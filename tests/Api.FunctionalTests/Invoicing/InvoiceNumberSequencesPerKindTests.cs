using System.Net;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>INV, PAY, CRN and SUB count on their own: issuing one kind never moves another's counter.</summary>
public sealed class InvoiceNumberSequencesPerKindTests(InvoicingHost factory) : IClassFixture<InvoicingHost>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Issue_WhenFundingsPayoutsRefundsAndSubscriptionsInterleave_NumbersEachKindFromOneWithoutGaps()
    {
        var year = factory.Clock.GetUtcNow().Year;
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var admin = await _api.AdminAsync();
        await _api.SetUpPayoutsAsync(trainer);

        var hire = await _api.HireOnNewJobAsync(employer, trainer);
        await _api.SubmittedAsync(trainer, hire.MilestoneId);
        await _api.ApprovedAsync(employer, hire.MilestoneId);
        Assert.Equal(1, await factory.RunPayoutJobAsync());
        var second = await _api.AddMilestoneAsync(employer, hire.ContractId);
        var secondInvoice = (await _api.FundedAsync(employer, second)).Id("invoiceId");
        var refund = await Expect.StatusAsync(await _api.RefundAsync(admin, second), HttpStatusCode.OK);
        var customerId = (await _api.GetJsonAsync("/api/v1/billing", employer)).Str("customerId")!;
        Assert.Equal(WebhookOutcome.Applied, await factory.SendAsync(new ApplyProviderEventCommand(
            new SubscriptionInvoiceChanged("evt_invoicing_sub_1", "invoice.paid", customerId, "in_invoicing_1", 4_900, "USD", Paid: true, BillingPlan.Agency))));
        var third = (await _api.FundedAsync(employer, await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 70_000, description: "Third batch"))).Id("invoiceId");

        Assert.Equal($"INV-{year}-000001", (await _api.InvoiceAsync(employer, hire.FundingInvoiceId)).Str("number"));
        Assert.Equal($"INV-{year}-000002", (await _api.InvoiceAsync(employer, secondInvoice)).Str("number"));
        Assert.Equal($"INV-{year}-000003", (await _api.InvoiceAsync(employer, third)).Str("number"));
        Assert.Equal($"PAY-{year}-000001", Assert.Single(await _api.InvoicesOfMilestoneAsync(trainer, hire.MilestoneId)).Str("number"));
        Assert.Equal($"CRN-{year}-000001", (await _api.InvoiceAsync(employer, refund.Id("creditNoteId"))).Str("number"));
        var subscription = Assert.Single((await _api.GetJsonAsync("/api/v1/invoices?kind=subscription", employer)).Items());
        Assert.Equal($"SUB-{year}-000001", subscription.Str("number"));
        Assert.Equal("subscription", subscription.Str("billingType"));
        var subscriptionPdf = InvoicingPdf.Read(await _api.PdfBytesAsync(employer, subscription.Id()));
        Assert.Equal("Subscription invoice", subscriptionPdf.Lines[0]);
        Assert.Equal($"SUB-{year}-000001", subscriptionPdf.ValueOf("Invoice number"));
        Assert.Equal("subscription", subscriptionPdf.ValueOf("Billing type"));
        Assert.Equal("in_invoicing_1", subscriptionPdf.ValueOf("Payment reference"));
        Assert.Equal("Agency plan", subscriptionPdf.ValueOf("Project"));
        Assert.Equal("49.00 USD", subscriptionPdf.ValueOf("Agency plan subscription"));
        Assert.Equal("49.00 USD", subscriptionPdf.ValueOf("Total"));
        var counters = await factory.QueryAsync(db => db.InvoiceSequences.AsNoTracking().Where(s => s.Year == year).ToDictionaryAsync(s => s.Prefix, s => s.LastNumber));
        Assert.Equal(new Dictionary<string, long> { ["INV"] = 3, ["PAY"] = 1, ["CRN"] = 1, ["SUB"] = 1 }, counters.ToDictionary(c => c.Key, c => (long)c.Value));
    }
}
