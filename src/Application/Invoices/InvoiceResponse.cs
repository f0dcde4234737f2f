using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using Riok.Mapperly.Abstractions;

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

[Mapper]
internal static partial class InvoiceMappings
{
    [MapperIgnoreSource(nameof(Invoice.DomainEvents))]
    [MapperIgnoreSource(nameof(Invoice.Version))]
    [MapperIgnoreSource(nameof(Invoice.FundingAttempt))]
    [MapperIgnoreSource(nameof(Invoice.CounterpartyName))]
    [MapperIgnoreSource(nameof(Invoice.CounterpartyEmail))]
    [MapProperty(nameof(Invoice.Total.Currency), nameof(InvoiceResponse.Currency))]
    public static partial InvoiceResponse ToResponse(this Invoice invoice);

    private static InvoiceLineResponse ToResponse(InvoiceLine line) => new(line.Kind, line.Description, line.Amount.Amount);

    private static long ToCents(Money money) => money.Amount;

    private static Guid ToGuid(InvoiceId id) => id.Value;

    private static Guid ToGuid(UserId id) => id.Value;

    private static Guid ToGuid(JobId id) => id.Value;

    private static Guid ToGuid(ContractId id) => id.Value;

    private static Guid ToGuid(MilestoneId id) => id.Value;
}
