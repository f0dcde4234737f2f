using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>An invoice names its parties as they were known at issue, by name, and its PDF never changes afterwards.</summary>
public sealed class InvoicePartyFrozenTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    // Regression (issue 12): the funding invoice printed the employer's GUID as "Bill to" until they called /me, then other bytes.
    [Fact]
    public async Task FundingInvoicePdf_OfAnEmployerWhoNeverCalledMe_BillsTheTokensNameAndKeepsItsBytes()
    {
        var token = await Expect.StatusAsync(await _api.PostAsync("/dev/token", null, new { role = "employer", name = "Grace Hopper", email = "grace@example.test" }), HttpStatusCode.OK);
        var employer = new Actor(token.Id("userId"), "employer", token.Str("accessToken")!);
        await Expect.StatusAsync(await _api.PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId = "pm_card_visa" }), HttpStatusCode.OK);
        var trainer = await _api.TrainerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, trainer);
        var invoiceId = hire.Body.Id("funding.invoiceId");

        var before = await Pdf(employer, invoiceId);
        var renamed = await Expect.StatusAsync(await _api.PostAsync("/dev/token", null, new { role = "employer", userId = employer.Id, name = "G. M. Hopper", email = "gmh@example.test" }), HttpStatusCode.OK);
        await Expect.StatusAsync(await _api.GetAsync("/api/v1/me", new Actor(employer.Id, "employer", renamed.Str("accessToken")!)), HttpStatusCode.OK);
        var after = await Pdf(employer, invoiceId);

        var text = InvoicingPdf.Read(before).AllText;
        Assert.Contains("Grace Hopper", text, StringComparison.Ordinal);
        Assert.DoesNotContain(employer.Id.ToString(), text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, after);
    }

    private async Task<byte[]> Pdf(Actor actor, Guid invoiceId)
    {
        var response = await _api.GetAsync($"/api/v1/invoices/{invoiceId}/pdf", actor);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
