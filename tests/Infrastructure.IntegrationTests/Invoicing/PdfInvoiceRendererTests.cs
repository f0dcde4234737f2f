using System.Globalization;
using System.Text;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Infrastructure.Invoices;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Invoicing;

/// <summary>The PdfPig renderer, read back with PdfPig: every field, wrapping, page breaks, scripts and stable bytes.</summary>
public sealed class PdfInvoiceRendererTests
{
    // A4 in points, and the renderer's margin.
    private const double PageWidth = 595;
    private const double PageHeight = 842;
    private const double Margin = 50;

    private readonly PdfInvoiceRenderer _renderer = new();

    [Fact]
    public void Render_WhenReadBack_ShowsEveryFieldOfTheDocument()
    {
        var pdf = InvoicingPdf.Read(_renderer.Render(Document()));

        Assert.Equal(1, pdf.PageCount);
        Assert.Equal(PageWidth, pdf.PageWidth);
        Assert.Equal(PageHeight, pdf.PageHeight);
        Assert.Equal(
            [
                "Invoice",
                "Invoice number INV-2026-000042",
                "Issue date 2026-11-23",
                "Billing type fixed_price_milestone",
                "Payment status paid",
                "Payment reference pi_3Qx7Example",
                "From",
                "OpenTrain AI",
                "548 Market St",
                "San Francisco, CA 94104",
                "United States",
                "Bill to",
                "Ada Employer",
                "ada@example.test",
                "Project RLHF preference labelling",
                "Milestone First 1,000 preference pairs",
                "Description Amount",
                "Milestone: First 1,000 preference pairs 1,234.50 USD",
                "Marketplace fee 123.45 USD",
                "Contract initiation fee 9.95 USD",
                "Total 1,367.90 USD",
                "Currency USD",
            ],
            pdf.Lines);
    }

    [Fact]
    public void Render_WhenTheIssueTimeIsLateInTheDayAtAnotherOffset_PrintsTheUtcDate()
    {
        var document = Document() with { IssuedAt = new DateTimeOffset(2026, 11, 24, 1, 30, 0, TimeSpan.FromHours(3)) };

        Assert.Equal("2026-11-23", InvoicingPdf.Read(_renderer.Render(document)).ValueOf("Issue date"));
    }

    [Fact]
    public void Render_WhenThereIsNoPaymentReference_PrintsADash()
    {
        var document = Document() with { PaymentReference = null, PaymentStatus = "pending" };

        var pdf = InvoicingPdf.Read(_renderer.Render(document));

        Assert.Equal("—", pdf.ValueOf("Payment reference"));
        Assert.Equal("pending", pdf.ValueOf("Payment status"));
    }

    [Theory]
    [InlineData(0, "0.00 USD")]
    [InlineData(5, "0.05 USD")]
    [InlineData(50, "0.50 USD")]
    [InlineData(100_000, "1,000.00 USD")]
    [InlineData(99_999_999, "999,999.99 USD")]
    [InlineData(-12_345, "-123.45 USD")]
    public void Render_WhenAmountsAreRead_FormatsCentsWithThousandsSeparators(long cents, string expected)
    {
        var document = Document() with { Lines = [new InvoiceDocumentLine("Only line", cents)], Total = cents };

        var pdf = InvoicingPdf.Read(_renderer.Render(document));

        Assert.Equal(expected, pdf.ValueOf("Only line"));
        Assert.Equal(expected, pdf.ValueOf("Total"));
    }

    [Fact]
    public void Render_WhenTheDescriptionIs3000Characters_WrapsEveryWordWithinTheMargins()
    {
        var description = Words(3000);

        var pdf = InvoicingPdf.Read(_renderer.Render(WithDescription(description)));

        pdf.AssertContainsWordsInOrder(description);
        Assert.All(pdf.Words, w =>
        {
            Assert.True(w.Left >= Margin - 0.5 && w.Right <= PageWidth - Margin + 0.5, $"'{w.Text}' on page {w.Page} spans x {w.Left:0.0}..{w.Right:0.0}, outside the margins");
            Assert.True(w.Bottom >= Margin - 5 && w.Top <= PageHeight - Margin + 0.5, $"'{w.Text}' on page {w.Page} spans y {w.Bottom:0.0}..{w.Top:0.0}, outside the margins");
        });
        var descriptionLines = pdf.Words.Where(w => w.Text.StartsWith('w')).Select(w => (w.Page, Math.Round(w.Bottom))).Distinct().Count();
        Assert.True(descriptionLines > 40, $"3,000 characters twice (the milestone field and its line item) take many lines, found {descriptionLines}");
        Assert.All(pdf.Lines, l => Assert.True(l.Length < 110, $"a line this long did not wrap: {l}"));
    }

    [Fact]
    public void Render_WhenTheDescriptionIsVeryLong_ContinuesOnFurtherPagesWithTheTotalsAtTheEnd()
    {
        var description = Words(12_000);

        var pdf = InvoicingPdf.Read(_renderer.Render(WithDescription(description)));

        Assert.True(pdf.PageCount >= 3, $"12,000 characters twice do not fit two pages: {pdf.PageCount}");
        pdf.AssertContainsWordsInOrder(description);
        Assert.All(pdf.Words, w => Assert.True(w.Bottom >= Margin - 5 && w.Top <= PageHeight - Margin + 0.5, $"'{w.Text}' on page {w.Page} at y {w.Bottom:0.0}..{w.Top:0.0}"));
        Assert.All(Enumerable.Range(1, pdf.PageCount), page => Assert.Contains(pdf.Words, w => w.Page == page));
        Assert.Equal("1,367.90 USD", pdf.ValueOf("Total"));
        Assert.Equal(pdf.PageCount, pdf.Words.Single(w => w.Text == "Total").Page);
        Assert.Equal(1, pdf.Words.Single(w => w.Text == "INV-2026-000042").Page);
    }

    [Fact]
    public void Render_WhenAWordIsWiderThanTheColumn_CutsItInsteadOfRunningOffThePage()
    {
        var url = "https://example.test/" + new string('a', 300);

        var pdf = InvoicingPdf.Read(_renderer.Render(WithDescription($"See {url} for the data")));

        Assert.All(pdf.Words, w => Assert.True(w.Right <= PageWidth - Margin + 0.5, $"'{w.Text}' ends at x {w.Right:0.0}"));
        var text = string.Concat(pdf.Words.Select(w => w.Text));
        Assert.Contains(url, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Zoë Łukasiewicz-Ñúñez")]
    [InlineData("田中 さくら")]
    [InlineData("王小明")]
    [InlineData("Ελένη Παπαδοπούλου")]
    [InlineData("Дмитрий Шостакович")]
    [InlineData("Søren Kierkegaard-Ærø")]
    public void Render_WhenNamesAreNotAscii_ExtractsThemUnchanged(string name)
    {
        var document = Document() with
        {
            Counterparty = new InvoiceParty("Bill to", name, []),
            ProjectName = $"Labels for {name}",
        };

        var pdf = InvoicingPdf.Read(_renderer.Render(document));

        var billTo = pdf.Lines.ToList().IndexOf("Bill to");
        Assert.Equal(name, pdf.Lines[billTo + 1]);
        Assert.Equal($"Labels for {name}", pdf.ValueOf("Project"));
        Assert.DoesNotContain("?", pdf.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WhenACharacterIsInNoEmbeddedFont_PrintsAQuestionMarkInsteadOfFailing()
    {
        var pdf = InvoicingPdf.Read(_renderer.Render(Document() with { ProjectName = "Launch 🚀 party" }));

        Assert.Equal("Launch ? party", pdf.ValueOf("Project"));
    }

    [Fact]
    public void Render_WhenTheDescriptionHasLineBreaks_StartsNewLinesThere()
    {
        var pdf = InvoicingPdf.Read(_renderer.Render(Document() with { Description = "Part one\nPart two\r\nPart three" }));

        Assert.Equal("Part one", pdf.ValueOf("Milestone"));
        var at = pdf.Lines.ToList().IndexOf("Milestone Part one");
        Assert.Equal(["Part two", "Part three"], pdf.Lines.Skip(at + 1).Take(2));
    }

    [Fact]
    public void Render_WhenTheSameDocumentIsRenderedAgain_GivesIdenticalBytes()
    {
        var document = WithDescription(Words(5000));

        var first = _renderer.Render(document);
        var again = new PdfInvoiceRenderer().Render(WithDescription(Words(5000)));

        Assert.Equal(first, again);
        Assert.Equal(first, _renderer.Render(document));
    }

    [Theory]
    [InlineData("number")]
    [InlineData("status")]
    [InlineData("name")]
    [InlineData("total")]
    public void Render_WhenOneFieldDiffers_GivesDifferentBytesAndFileIds(string field)
    {
        var document = Document();
        var changed = field switch
        {
            "number" => document with { Number = "INV-2026-000043" },
            "status" => document with { PaymentStatus = "refunded" },
            "name" => document with { Counterparty = document.Counterparty with { Name = "Ada Employed" } },
            _ => document with { Total = document.Total + 1 },
        };

        var first = _renderer.Render(document);
        var second = _renderer.Render(changed);

        Assert.NotEqual(first, second);
        Assert.NotEqual(FileId(first), FileId(second));
    }

    private static string FileId(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var at = text.LastIndexOf("/ID [", StringComparison.Ordinal);
        Assert.True(at >= 0, "the trailer has a file identifier");
        return text.Substring(at, 80);
    }

    private static InvoiceDocument Document() => new(
        "Invoice",
        "INV-2026-000042",
        new DateTimeOffset(2026, 11, 23, 18, 5, 0, TimeSpan.Zero),
        new InvoiceParty("From", "OpenTrain AI", ["548 Market St", "San Francisco, CA 94104", "United States"]),
        new InvoiceParty("Bill to", "Ada Employer", ["ada@example.test"]),
        "RLHF preference labelling",
        "First 1,000 preference pairs",
        "fixed_price_milestone",
        [
            new InvoiceDocumentLine("Milestone: First 1,000 preference pairs", 123_450),
            new InvoiceDocumentLine("Marketplace fee", 12_345),
            new InvoiceDocumentLine("Contract initiation fee", 995),
        ],
        136_790,
        "USD",
        "paid",
        "pi_3Qx7Example");

    /// <summary>The description as the handler prints it: in the milestone field and in the milestone's line item.</summary>
    private static InvoiceDocument WithDescription(string description)
    {
        var document = Document();
        return document with { Description = description, Lines = [new InvoiceDocumentLine($"Milestone: {description}", 123_450), .. document.Lines.Skip(1)] };
    }

    /// <summary>Numbered words (w00001 …) of varying length, exactly <paramref name="length"/> characters.</summary>
    private static string Words(int length)
    {
        var text = new StringBuilder();
        string[] fillers = ["preference", "pairs", "a", "reviewed", "by", "two", "annotators", "with", "rubric", "Łódź", "naïve"];
        for (var i = 1; text.Length < length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"w{i:00000} {fillers[i % fillers.Length]} ");
        }

        return text.ToString(0, length).TrimEnd();
    }
}
