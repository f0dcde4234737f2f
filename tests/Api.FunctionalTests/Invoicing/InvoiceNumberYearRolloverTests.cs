using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>Numbers count per year: the first funding of a new year is number 1 of that year.</summary>
public sealed class InvoiceNumberYearRolloverTests(InvoicingApiFactory factory) : IClassFixture<InvoicingApiFactory>
{
    private readonly InvoicingApi _api = factory.CreateApi();

    [Fact]
    public async Task Fund_WhenTheYearTurns_StartsTheNewYearAtOneAndKeepsTheOldYearsCounter()
    {
        var employer = await _api.EmployerAsync();
        var hire = await _api.HireAsync(employer, await _api.TrainerAsync());
        var oldYear = factory.Clock.GetUtcNow().Year;
        var lastOfYear = await _api.FundAsync(employer, await _api.AddMilestoneAsync(employer, hire.ContractId));
        var newYear = new DateTimeOffset(oldYear + 1, 1, 1, 0, 0, 0, TimeSpan.Zero);
        factory.Clock.Advance(newYear - factory.Clock.GetUtcNow());

        var firstOfYear = await _api.FundAsync(employer, await _api.AddMilestoneAsync(employer, hire.ContractId));
        var second = await _api.FundAsync(employer, await _api.AddMilestoneAsync(employer, hire.ContractId));

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
