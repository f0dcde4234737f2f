using System.Linq.Expressions;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Application.Invoices;

/// <summary>
/// An invoice. Employer funding invoices have billing type <c>fixed_price_milestone</c> and lines
/// for the milestone, the marketplace fee and, on a contract's first milestone, the contract
/// initiation fee. <c>paymentReference</c> is the Stripe PaymentIntent (funding) or Transfer (payout).
/// </summary>
public sealed record InvoiceResponse(
    Guid Id,
    string Number,
    InvoiceKind Kind,
    BillingType BillingType,
    string ProjectName,
    string Description,
    Guid EmployerId,
    Guid? TrainerId,
    Guid? JobId,
    Guid? ContractId,
    Guid? MilestoneId,
    IReadOnlyList<InvoiceLineResponse> Lines,
    long Total,
    string Currency,
    InvoicePaymentStatus PaymentStatus,
    string? PaymentReference,
    DateTimeOffset IssuedAt,
    DateTimeOffset? PaidAt);

public sealed record InvoiceLineResponse(InvoiceLineKind Kind, string Description, long Amount);

/// <summary>
/// Written once, as an expression: list reads and the Reports page select it in their query (EF Core reads the
/// columns and the lines, never materializing the invoice), and <see cref="ToResponse"/> runs the same expression compiled.
/// </summary>
internal static class InvoiceMappings
{
    /// <summary>The response as the expression a query selects.</summary>
    public static Expression<Func<Invoice, InvoiceResponse>> Response { get; } = i => new InvoiceResponse(
        i.Id.Value,
        i.Number,
        i.Kind,
        i.BillingType,
        i.ProjectName,
        i.Description,
        i.EmployerId.Value,
        i.TrainerId == null ? null : i.TrainerId.Value.Value,
        i.JobId == null ? null : i.JobId.Value.Value,
        i.ContractId == null ? null : i.ContractId.Value.Value,
        i.MilestoneId == null ? null : i.MilestoneId.Value.Value,
        i.Lines.Select(l => new InvoiceLineResponse(l.Kind, l.Description, l.AmountCents)).ToList(),
        i.Total.Amount,
        i.Total.Currency,
        i.PaymentStatus,
        i.PaymentReference,
        i.IssuedAt,
        i.PaidAt);

    private static readonly Func<Invoice, InvoiceResponse> Compiled = Response.Compile();

    public static InvoiceResponse ToResponse(this Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return Compiled(invoice);
    }
}
