namespace OpenTrain.Clean.Application.Abstractions;

/// <summary>Turns an invoice into a PDF. The same document always renders the same bytes.</summary>
public interface IInvoicePdfRenderer
{
    byte[] Render(InvoiceDocument document);

    /// <summary>The same bytes as <see cref="Render"/>; a renderer that runs elsewhere (a background thread) awaits it here.</summary>
    ValueTask<byte[]> RenderAsync(InvoiceDocument document, CancellationToken cancellationToken) => ValueTask.FromResult(Render(document));
}

/// <summary>Everything printed on an invoice, already in words: the renderer decides nothing.</summary>
/// <param name="Title">"Invoice", "Payout record", "Subscription invoice" or "Credit note".</param>
/// <param name="Counterparty">Bill to (employer) or pay to (trainer).</param>
public sealed record InvoiceDocument(
    string Title,
    string Number,
    DateTimeOffset IssuedAt,
    InvoiceParty Issuer,
    InvoiceParty Counterparty,
    string ProjectName,
    string Description,
    string BillingType,
    IReadOnlyList<InvoiceDocumentLine> Lines,
    long Total,
    string Currency,
    string PaymentStatus,
    string? PaymentReference);

/// <param name="Label">"From", "Bill to" or "Pay to".</param>
public sealed record InvoiceParty(string Label, string Name, IReadOnlyList<string> Lines);

/// <param name="Amount">In minor units (cents).</param>
public sealed record InvoiceDocumentLine(string Description, long Amount);
