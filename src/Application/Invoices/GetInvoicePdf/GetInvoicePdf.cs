using System.Text.Json;
using Mediator;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Application.Invoices.GetInvoicePdf;

/// <summary>The invoice as a PDF file named after its number.</summary>
public sealed record GetInvoicePdfQuery(Guid InvoiceId) : IQuery<InvoicePdf>;

public sealed record InvoicePdf(string FileName, byte[] Content);

public sealed class GetInvoicePdfHandler(IReadStore store, ICurrentUser user, IInvoicePdfRenderer renderer, IOptions<InvoiceOptions> issuer)
    : IQueryHandler<GetInvoicePdfQuery, InvoicePdf>
{
    public async ValueTask<InvoicePdf> Handle(GetInvoicePdfQuery query, CancellationToken cancellationToken)
    {
        var id = new InvoiceId(query.InvoiceId);
        var invoice = await store.FirstOrDefaultAsync(store.Query<Invoice>().ReadableBy(user).Where(i => i.Id == id), cancellationToken)
            ?? throw new NotFoundException("Invoice", query.InvoiceId);
        var payToTrainer = invoice.Kind == InvoiceKind.TrainerPayout;
        var settings = issuer.Value;
        var document = new InvoiceDocument(
            TitleOf(invoice.Kind),
            invoice.Number,
            invoice.IssuedAt,
            new InvoiceParty("From", settings.IssuerName, settings.Address),
            new InvoiceParty(
                payToTrainer ? "Pay to" : "Bill to",

                // The party as frozen at issue, never looked up again: the same invoice always renders the same bytes.
                InvoiceParties.Label(invoice.CounterpartyName, invoice.CounterpartyEmail, payToTrainer ? UserRole.Trainer : UserRole.Employer),
                invoice.CounterpartyEmail is { Length: > 0 } email ? [email] : []),
            invoice.ProjectName,
            invoice.Description,
            SnakeCase(invoice.BillingType.ToString()),
            invoice.Lines.Select(l => new InvoiceDocumentLine(LineLabel(l), l.Amount.Amount)).ToList(),
            invoice.Total.Amount,
            invoice.Total.Currency,
            SnakeCase(invoice.PaymentStatus.ToString()),
            invoice.PaymentReference);
        return new InvoicePdf($"{invoice.Number}.pdf", await renderer.RenderAsync(document, cancellationToken));
    }

    private static string TitleOf(InvoiceKind kind) => kind switch
    {
        InvoiceKind.TrainerPayout => "Payout record",
        InvoiceKind.Subscription => "Subscription invoice",
        InvoiceKind.CreditNote => "Credit note",
        _ => "Invoice",
    };

    private static string LineLabel(InvoiceLine line) => line.Kind switch
    {
        InvoiceLineKind.Milestone => $"Milestone: {line.Description}",
        _ => line.Description,
    };

    private static string SnakeCase(string value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value);
}
