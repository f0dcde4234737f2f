using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Infrastructure.Invoices;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Invoicing;

/// <summary>An invoice's PDF is rendered once per distinct document; a changed document renders again.</summary>
public sealed class CachedInvoicePdfRendererTests : IDisposable
{
    private readonly CountingRenderer _real = new(new PdfInvoiceRenderer());
    private readonly CachedInvoicePdfRenderer _cached;

    public CachedInvoicePdfRendererTests() => _cached = new CachedInvoicePdfRenderer(_real);

    [Fact]
    public void Render_WhenTheSameDocumentComesAgain_RendersOnceAndReturnsTheSameBytes()
    {
        var first = _cached.Render(Document());
        var second = _cached.Render(Document());

        Assert.Equal(1, _real.Renders);
        Assert.Same(first, second);
        Assert.Equal(new PdfInvoiceRenderer().Render(Document()), second);
    }

    [Fact]
    public void Render_WhenThePaymentStatusChanged_RendersTheChangedDocument()
    {
        var paid = _cached.Render(Document());
        var refunded = _cached.Render(Document() with { PaymentStatus = "refunded" });

        Assert.Equal(2, _real.Renders);
        Assert.NotEqual(paid, refunded);
        Assert.Equal(new PdfInvoiceRenderer().Render(Document() with { PaymentStatus = "refunded" }), refunded);
    }

    [Fact]
    public void Render_WhenALineChanged_RendersTheChangedDocument()
    {
        _cached.Render(Document());
        var changed = Document() with { Lines = [new InvoiceDocumentLine("Milestone: Batch 1", 100_000), new InvoiceDocumentLine("Marketplace fee", 10_001)] };

        var pdf = _cached.Render(changed);

        Assert.Equal(2, _real.Renders);
        Assert.Equal(new PdfInvoiceRenderer().Render(changed), pdf);
    }

    [Fact]
    public void Render_WhenTheBudgetIsSmallerThanOnePdf_StillAnswersEveryTimeWithoutKeepingIt()
    {
        using var tiny = new CachedInvoicePdfRenderer(_real, maxBytes: 1);

        var first = tiny.Render(Document());
        var second = tiny.Render(Document());

        Assert.Equal(2, _real.Renders);
        Assert.Equal(first, second);
    }

    public void Dispose() => _cached.Dispose();

    /// <summary>An issued invoice's document, as the PDF route builds it.</summary>
    internal static InvoiceDocument Document() => new(
        "Invoice",
        "INV-2026-000042",
        new DateTimeOffset(2026, 11, 23, 18, 5, 0, TimeSpan.Zero),
        new InvoiceParty("From", "OpenTrain AI", ["548 Market St", "San Francisco, CA 94104"]),
        new InvoiceParty("Bill to", "Ada Employer", ["ada@example.test"]),
        "RLHF preference labelling",
        "First 1,000 preference pairs",
        "fixed_price_milestone",
        [new InvoiceDocumentLine("Milestone: Batch 1", 100_000), new InvoiceDocumentLine("Marketplace fee", 10_000)],
        110_000,
        "USD",
        "paid",
        "pi_3Qx7Example");

    /// <summary>The real renderer, counting how often it is asked.</summary>
    private sealed class CountingRenderer(IInvoicePdfRenderer inner) : IInvoicePdfRenderer
    {
        public int Renders { get; private set; }

        public byte[] Render(InvoiceDocument document)
        {
            Renders++;
            return inner.Render(document);
        }
    }
}
