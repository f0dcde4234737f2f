using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>INV numbers: gap-free and unique when many fundings run at once on SQLite, failed fundings included.</summary>
public sealed class InvoiceNumberingTests(InvoicingHost factory) : IClassFixture<InvoicingHost>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Fund_When50MilestonesAreFundedAtOnce_Issues50DistinctConsecutiveNumbers()
    {
        var employer = await _api.EmployerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());
        var before = SequenceOf((await _api.InvoiceAsync(employer, hire.FundingInvoiceId)).Str("number")!);
        var milestones = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            milestones.Add(await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 10_000 + i, description: $"Batch {i + 2}"));
        }

        var responses = await Task.WhenAll(milestones.Select(id => _api.FundAsync(employer, id)));

        var invoiceIds = new List<Guid>();
        foreach (var response in responses)
        {
            invoiceIds.Add((await Expect.StatusAsync(response, HttpStatusCode.OK)).Id("invoiceId"));
        }

        var invoices = await factory.QueryAsync(db => db.Set<Invoice>().AsNoTracking()
            .Where(i => i.Kind == InvoiceKind.EmployerFunding && i.ContractId == new Domain.Common.ContractId(hire.ContractId))
            .ToListAsync());
        var fundings = invoices.Where(i => i.Id != new Domain.Common.InvoiceId(hire.FundingInvoiceId)).ToList();
        Assert.Equal(50, fundings.Count);
        Assert.Equal(invoiceIds.Order(), fundings.Select(i => i.Id.Value).Order());
        Assert.Equal(50, fundings.Select(i => i.Number).Distinct(StringComparer.Ordinal).Count());
        var year = factory.Clock.GetUtcNow().Year;
        Assert.All(fundings, i => Assert.StartsWith($"INV-{year}-", i.Number, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(before + 1, 50), fundings.Select(i => SequenceOf(i.Number)).Order());
        Assert.All(fundings, i => Assert.Equal(InvoicePaymentStatus.Paid, i.PaymentStatus));

        // Each invoice charges its own milestone: the amounts tell them apart.
        Assert.Equal(Enumerable.Range(0, 50).Select(i => 10_000L + i), fundings.Select(i => i.Lines[0].Amount.Amount).Order());
        var counter = await factory.QueryAsync(db => db.InvoiceSequences.AsNoTracking().SingleAsync(s => s.Prefix == "INV" && s.Year == year));
        Assert.Equal(before + 50, counter.LastNumber);
    }

    [Fact]
    public async Task Fund_WhenCardIsDeclined_StillTakesTheNextNumberForAFailedInvoice()
    {
        var payer = await _api.EmployerAsync();
        var first = await _api.HireOnNewJobAsync(payer, await _api.TrainerAsync());
        var firstNumber = (await _api.InvoiceAsync(payer, first.FundingInvoiceId)).Str("number")!;
        var decliner = await _api.EmployerAsync("pm_card_chargeDeclined", "Dee Clined");
        var job = await _api.CreateJobAsync(decliner);

        var declined = await Expect.ProblemAsync(await _api.HireAsync(decliner, job, await _api.TrainerAsync()), HttpStatusCode.PaymentRequired, "card_declined");

        var failed = Assert.Single(await _api.InvoicesOfMilestoneAsync(decliner, declined.Id("milestoneId")));
        Assert.Equal("failed", failed.Str("paymentStatus"));
        Assert.Equal("employer_funding", failed.Str("kind"));
        Assert.Equal(SequenceOf(firstNumber) + 1, SequenceOf(failed.Str("number")!));
        var paymentIntent = Assert.Single(factory.Simulator.PaymentIntents(), pi => pi.Metadata.TryGetValue("milestone_id", out var m) && m == declined.Str("milestoneId"));
        Assert.Equal(paymentIntent.Id, failed.Str("paymentReference"));
        var pdf = InvoicingPdf.Read(await _api.PdfBytesAsync(decliner, failed.Id()));
        Assert.Equal("failed", pdf.ValueOf("Payment status"));
        Assert.Equal(failed.Str("number"), pdf.ValueOf("Invoice number"));

        // No gap after it either: the next funding takes the number after the failed one.
        var next = await _api.HireOnNewJobAsync(payer, await _api.TrainerAsync());
        Assert.Equal(SequenceOf(failed.Str("number")!) + 1, SequenceOf((await _api.InvoiceAsync(payer, next.FundingInvoiceId)).Str("number")!));
    }

    internal static int SequenceOf(string number)
    {
        Assert.Matches(@"^[A-Z]{3}-\d{4}-\d{6}$", number);
        return int.Parse(number[^6..], CultureInfo.InvariantCulture);
    }
}
