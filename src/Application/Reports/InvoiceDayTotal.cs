using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Application.Reports;

/// <summary>
/// The invoices issued on one UTC day of one kind, payment status and currency: how many and their sum.
/// Persistence keeps it in the transaction of every invoice insert and payment-status change, so the
/// admin report adds up days instead of invoices (docs/decisions/015).
/// </summary>
public sealed class InvoiceDayTotal
{
    public DateOnly Day { get; init; }

    public InvoiceKind Kind { get; init; }

    public InvoicePaymentStatus PaymentStatus { get; init; }

    public string Currency { get; init; } = string.Empty;

    public int Count { get; init; }

    public long TotalCents { get; init; }

    /// <summary>The UTC day an invoice issued at <paramref name="issuedAt"/> counts in.</summary>
    public static DateOnly DayOf(DateTimeOffset issuedAt) => DateOnly.FromDateTime(issuedAt.UtcDateTime);

    /// <summary>When <paramref name="day"/> begins, UTC.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
