using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>Numbers count per year: the first funding of a new year is number 1 of that year.</summary>
public sealed class InvoiceNumberYearRolloverTests(InvoicingHost factory) : IClassFixture<InvoicingHost>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Fund_WhenTheYearTurns_StartsTheNewYearAtOneAndKeepsTheOldYearsCounter()
    {
        var employer = await _api.EmployerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());
        var oldYear = factory.Clock.GetUtcNow().Year;
        var lastOfYear = (await _api.FundedAsync(employer, await _api.AddMilestoneAsync(employer, hire.ContractId))).Id("invoiceId");
        var newYear = new DateTimeOffset(oldYear + 1, 1, 1, 0, 0, 0, TimeSpan.Zero);
        factory.Clock.Advance(newYear - factory.Clock.GetUtcNow());

        var firstOfYear = (await _api.FundedAsync(employer, await _api.AddMilestoneAsync(employer, hire.ContractId))).Id("invoiceId");
        var second = (await _api.FundedAsync(employer, await _api.AddMilestoneAsync(employer, hire.ContractId))).Id("invoiceId");

        Assert.Equal($"INV-{oldYear}-000001", (await _api.InvoiceAsync(employer, hire.FundingInvoiceId)).Str("number"));
        Assert.Equal($"INV-{oldYear}-000002", (await _api.InvoiceAsync(employer, lastOfYear)).Str("number"));
        Assert.Equal($"INV-{oldYear + 1}-000001", (await _api.InvoiceAsync(employer, firstOfYear)).Str("number"));
        Assert.Equal($"INV-{oldYear + 1}-000002", (await _api.InvoiceAsync(employer, second)).Str("number"));
        var pdf = InvoicingPdf.Read(await _api.PdfBytesAsync(employer, firstOfYear));
        Assert.Equal($"{oldYear + 1}-01-01", pdf.ValueOf("Issue date"));
        var counters = await factory.QueryAsync(db => db.InvoiceSequences.AsNoTracking().Where(s => s.Prefix == "INV").OrderBy(s => s.Year).Select(s => new { s.Year, s.LastNumber }).ToListAsync());
        Assert.Equal([(oldYear, 2L), (oldYear + 1, 2L)], counters.Select(c => (c.Year, c.LastNumber)));
    }
}
