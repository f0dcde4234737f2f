using System.Globalization;
using System.Net;
using System.Text;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>GET /api/v1/invoices/{id}/pdf, read back with PdfPig: every field of the invoice, as an accountant needs it.</summary>
public sealed class InvoicePdfDownloadTests(InvoicingHost factory) : IClassFixture<InvoicingHost>
{
    // 1,234.50 USD milestone: a thousands separator, a 10% fee of 123.45 USD and a total of 1,367.90 USD with the $9.95 contract fee.
    private const long Amount = 123_450;

    private const string RenamedPartyBug = "bug: GET /api/v1/invoices/{id}/pdf (src/Application/Invoices/GetInvoicePdf/GetInvoicePdf.cs) prints the bill-to / pay-to "
        + "name and e-mail from the party's current UserProfile, which GET /api/v1/me refreshes from every new token's claims: after the employer "
        + "signs in under another name, an invoice issued earlier shows the new name and renders different bytes. Expected: an issued invoice "
        + "keeps the party it was issued to (DESIGN: immutable once issued; issue 5: the same invoice always renders the same bytes).";

    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task GetPdf_WhenEmployerDownloadsFundingInvoice_AnswersPdfAttachmentNamedAfterTheNumber()
    {
        var employer = await _api.EmployerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());
        var number = (await _api.InvoiceAsync(employer, hire.FundingInvoiceId)).Str("number")!;

        var response = await _api.PdfAsync(employer, hire.FundingInvoiceId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches(@"^INV-\d{4}-\d{6}$", number);
        Assert.StartsWith($"INV-{factory.Clock.GetUtcNow().Year}-", number, StringComparison.Ordinal);
        var disposition = response.Content.Headers.ContentDisposition?.ToString() ?? string.Join(", ", response.Headers.GetValues("Content-Disposition"));
        Assert.Equal($"attachment; filename=\"{number}.pdf\"", disposition);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"{number}.pdf", response.Content.Headers.ContentDisposition?.FileName);
        var pdf = InvoicingPdf.Read(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, pdf.PageCount);
    }

    [Fact]
    public async Task GetPdf_WhenFundingInvoiceIsReadBack_ShowsEveryFieldWithTheRightAmounts()
    {
        var employer = await _api.EmployerAsync(name: "Grace Hopper-Employer", email: "grace@example.test");
        var hire = await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync(), jobTitle: "Reward model for code review", amount: Amount, description: "Label 1,500 code review pairs");
        var invoice = await _api.InvoiceAsync(employer, hire.FundingInvoiceId);
        var milestone = await _api.GetJsonAsync($"/api/v1/milestones/{hire.MilestoneId}", employer);

        var pdf = InvoicingPdf.Read(await _api.PdfBytesAsync(employer, hire.FundingInvoiceId));

        Assert.Equal("Invoice", pdf.Lines[0]);
        Assert.Equal(invoice.Str("number"), pdf.ValueOf("Invoice number"));
        Assert.Equal(factory.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), pdf.ValueOf("Issue date"));
        Assert.Equal("fixed_price_milestone", pdf.ValueOf("Billing type"));
        Assert.Equal("paid", pdf.ValueOf("Payment status"));
        var paymentIntent = milestone.Str("funding.paymentIntentId")!;
        Assert.StartsWith("pi_", paymentIntent, StringComparison.Ordinal);
        Assert.Equal(paymentIntent, pdf.ValueOf("Payment reference"));

        // From: the issuer from configuration; Bill to: the employer.
        AssertBlock(pdf, "From", [InvoicingHost.IssuerName, .. InvoicingHost.IssuerAddress]);
        AssertBlock(pdf, "Bill to", ["Grace Hopper-Employer", "grace@example.test"]);
        Assert.DoesNotContain(pdf.Lines, l => l.StartsWith("Pay to", StringComparison.Ordinal));

        Assert.Equal("Reward model for code review", pdf.ValueOf("Project"));
        Assert.Equal("Label 1,500 code review pairs", pdf.ValueOf("Milestone"));
        Assert.Equal("1,234.50 USD", pdf.ValueOf("Milestone: Label 1,500 code review pairs"));
        Assert.Equal("123.45 USD", pdf.ValueOf("Marketplace fee"));
        Assert.Equal("9.95 USD", pdf.ValueOf("Contract initiation fee"));
        Assert.Equal("1,367.90 USD", pdf.ValueOf("Total"));
        Assert.Equal("USD", pdf.ValueOf("Currency"));
        Assert.Equal(136_790, invoice.Long("total"));
    }

    [Fact]
    public async Task GetPdf_WhenMilestoneIsPaidOut_PayoutRecordShowsPayToTheTrainer()
    {
        var employer = await _api.EmployerAsync(name: "Ada Employer");
        var trainer = await _api.TrainerAsync(name: "Tomasz Trainer", email: "tomasz@example.test");
        await _api.SetUpPayoutsAsync(trainer);
        var hire = await _api.HireOnNewJobAsync(employer, trainer, jobTitle: "Safety evals", amount: Amount);
        await _api.SubmittedAsync(trainer, hire.MilestoneId);
        await _api.ApprovedAsync(employer, hire.MilestoneId);
        Assert.Equal(1, await factory.RunPayoutJobAsync());
        var payout = Assert.Single(await _api.InvoicesOfMilestoneAsync(trainer, hire.MilestoneId));
        var transferId = (await _api.GetJsonAsync($"/api/v1/milestones/{hire.MilestoneId}", trainer)).Str("payout.transferId")!;

        var response = await _api.PdfAsync(trainer, payout.Id());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{payout.Str("number")}.pdf", response.Content.Headers.ContentDisposition?.FileName);
        var pdf = InvoicingPdf.Read(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("Payout record", pdf.Lines[0]);
        Assert.Matches(@"^PAY-\d{4}-\d{6}$", pdf.ValueOf("Invoice number"));
        Assert.Equal(payout.Str("number"), pdf.ValueOf("Invoice number"));
        Assert.Equal("milestone_payout", pdf.ValueOf("Billing type"));
        Assert.Equal("paid", pdf.ValueOf("Payment status"));
        Assert.StartsWith("tr_", transferId, StringComparison.Ordinal);
        Assert.Equal(transferId, pdf.ValueOf("Payment reference"));
        AssertBlock(pdf, "From", [InvoicingHost.IssuerName, .. InvoicingHost.IssuerAddress]);
        AssertBlock(pdf, "Pay to", ["Tomasz Trainer", "tomasz@example.test"]);
        Assert.DoesNotContain(pdf.Lines, l => l.StartsWith("Bill to", StringComparison.Ordinal) || l.Contains("Ada Employer", StringComparison.Ordinal));
        Assert.Equal("Safety evals", pdf.ValueOf("Project"));
        // The contract's employer reads the payout record (issue 12: it answered 404); nobody else does.
        Assert.Equal(HttpStatusCode.OK, (await _api.PdfAsync(employer, payout.Id())).StatusCode);
        await Expect.ProblemAsync(await _api.PdfAsync(await _api.EmployerAsync(name: "Other Employer"), payout.Id()), HttpStatusCode.NotFound, "not_found");
        await Expect.ProblemAsync(await _api.PdfAsync(await _api.TrainerAsync(name: "Other Trainer"), payout.Id()), HttpStatusCode.NotFound, "not_found");
        Assert.Equal($"1,234.50 USD", pdf.ValueOf($"Milestone: {ApiClient.FirstMilestoneDescription}"));
        Assert.Equal("1,234.50 USD", pdf.ValueOf("Total"));
        Assert.DoesNotContain(pdf.Lines, l => l.StartsWith("Marketplace fee", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetPdf_WhenDescriptionIsTheLongestAllowed_WrapsItWithinThePageAndContinuesOnASecondPage()
    {
        var description = LongDescription(2000);
        var employer = await _api.EmployerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync(), description: description);

        var pdf = InvoicingPdf.Read(await _api.PdfBytesAsync(employer, hire.FundingInvoiceId));

        pdf.AssertContainsWordsInOrder(description);
        var descriptionLines = pdf.Words.Where(w => w.Text.StartsWith("w0", StringComparison.Ordinal)).Select(w => (w.Page, Math.Round(w.Bottom))).Distinct().Count();
        Assert.True(descriptionLines > 20, $"a 2,000-character description is spread over many lines, found {descriptionLines}:\n{pdf.AllText}");
        Assert.All(pdf.Words, w =>
        {
            Assert.True(w.Left >= 0 && w.Right <= pdf.PageWidth, $"'{w.Text}' on page {w.Page} spans x {w.Left:0.0}..{w.Right:0.0} beyond the page width {pdf.PageWidth}");
            Assert.True(w.Bottom >= 0 && w.Top <= pdf.PageHeight, $"'{w.Text}' on page {w.Page} spans y {w.Bottom:0.0}..{w.Top:0.0} beyond the page height {pdf.PageHeight}");
        });
        Assert.True(pdf.PageCount >= 2, $"the description and its table line do not fit one page: {pdf.PageCount} page(s)");
        Assert.Equal("559.95 USD", pdf.ValueOf("Total"));
        Assert.Equal(pdf.PageCount, pdf.Words.Single(w => w.Text == "Total").Page);
    }

    [Theory]
    [InlineData("Zoë Łukasiewicz-Ñúñez")]
    [InlineData("田中 さくら")]
    public async Task GetPdf_WhenEmployerNameIsNotAscii_RendersTheName(string name)
    {
        var employer = await _api.EmployerAsync(name: name);
        var hire = await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync(), jobTitle: $"Project of {name}");

        var pdf = InvoicingPdf.Read(await _api.PdfBytesAsync(employer, hire.FundingInvoiceId));

        AssertBlock(pdf, "Bill to", [name]);
        Assert.Equal($"Project of {name}", pdf.ValueOf("Project"));
        Assert.DoesNotContain("?", pdf.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPdf_WhenTheSameInvoiceIsRenderedTwice_GivesIdenticalBytes()
    {
        var employer = await _api.EmployerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());

        var first = await _api.PdfBytesAsync(employer, hire.FundingInvoiceId);
        factory.Clock.Advance(TimeSpan.FromMinutes(3));
        var second = await _api.PdfBytesAsync(employer, hire.FundingInvoiceId);

        Assert.True(first.AsSpan().SequenceEqual(second), "the same invoice renders the same bytes");
    }

    [Fact]
    public async Task GetPdf_WhenTheEmployerLaterSignsInUnderAnotherName_StillShowsTheNameItWasIssuedTo()
    {
        var employer = await _api.EmployerAsync(name: "Ada Original", email: "ada@original.test");
        var hire = await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());
        var issued = await _api.PdfBytesAsync(employer, hire.FundingInvoiceId);

        var renamed = await _api.SignInAsync("employer", "Ada Renamed", "ada@renamed.test", employer.Id);
        var later = await _api.PdfBytesAsync(renamed, hire.FundingInvoiceId);

        AssertBlock(InvoicingPdf.Read(later), "Bill to", ["Ada Original", "ada@original.test"]);
        Assert.True(issued.AsSpan().SequenceEqual(later), "an issued invoice renders the same bytes");
    }

    [Fact]
    public async Task GetPdf_WhenTwoInvoicesDiffer_GivesDifferentBytes()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, trainer);
        var second = (await _api.FundedAsync(employer, await _api.AddMilestoneAsync(employer, hire.ContractId, amount: 50_000, description: ApiClient.FirstMilestoneDescription))).Id("invoiceId");

        var firstPdf = await _api.PdfBytesAsync(employer, hire.FundingInvoiceId);
        var secondPdf = await _api.PdfBytesAsync(employer, second);

        Assert.False(firstPdf.AsSpan().SequenceEqual(secondPdf), "two invoices render different files");
        Assert.NotEqual(InvoicingPdf.Read(firstPdf).ValueOf("Invoice number"), InvoicingPdf.Read(secondPdf).ValueOf("Invoice number"));
    }

    [Fact]
    public async Task GetPdf_WhenAnotherPartyAsks_Answers404WithoutTheDocument()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, trainer);
        var otherEmployer = await _api.EmployerAsync(name: "Eve Elsewhere");
        var otherTrainer = await _api.TrainerAsync(name: "Mallory Trainer");

        foreach (var stranger in new[] { otherEmployer, otherTrainer, trainer })
        {
            var response = await _api.PdfAsync(stranger, hire.FundingInvoiceId);

            await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
            Assert.Null(response.Content.Headers.ContentDisposition);
        }

        await Expect.ProblemAsync(await _api.PdfAsync(employer, Guid.CreateVersion7()), HttpStatusCode.NotFound, "not_found");
        var support = await _api.PdfAsync(await _api.AdminAsync(), hire.FundingInvoiceId);
        Assert.Equal(HttpStatusCode.OK, support.StatusCode);
        Assert.Equal(await _api.PdfBytesAsync(employer, hire.FundingInvoiceId), await support.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.PdfAsync(null!, hire.FundingInvoiceId)).StatusCode);
    }

    /// <summary>The label line, then the block's lines in order right below it.</summary>
    private static void AssertBlock(InvoicingPdf pdf, string label, IReadOnlyList<string> lines)
    {
        var at = pdf.Lines.ToList().IndexOf(label);
        Assert.True(at >= 0, $"a line '{label}' in:\n{pdf.AllText}");
        Assert.Equal(lines, pdf.Lines.Skip(at + 1).Take(lines.Count));
    }

    /// <summary>Numbered words (w0001 …) of varying length, exactly <paramref name="length"/> characters.</summary>
    internal static string LongDescription(int length)
    {
        var text = new StringBuilder();
        string[] fillers = ["preference", "pairs", "a", "reviewed", "by", "two", "annotators", "with", "rubric"];
        for (var i = 1; text.Length < length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"w{i:0000} {fillers[i % fillers.Length]} ");
        }

        return text.ToString(0, length).TrimEnd();
    }
}
