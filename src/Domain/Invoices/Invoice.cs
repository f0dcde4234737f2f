using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Invoices;

public enum InvoiceKind
{
    EmployerFunding,
    TrainerPayout,
    Subscription,
    CreditNote,
}

public enum BillingType
{
    FixedPriceMilestone,
    MilestonePayout,
    Subscription,
    Refund,
}

public enum InvoicePaymentStatus
{
    Pending,
    Paid,
    Failed,
    Refunded,
}

public enum InvoiceLineKind
{
    Milestone,
    MarketplaceFee,
    ContractInitiationFee,
    Subscription,
    Refund,
}

public sealed record InvoiceIssued(InvoiceId InvoiceId, InvoiceKind Kind, string Number, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record InvoicePaymentStatusChanged(InvoiceId InvoiceId, InvoicePaymentStatus Status, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed class InvoiceLine
{
    private InvoiceLine()
    {
        Description = string.Empty;
    }

    public InvoiceLine(InvoiceLineKind kind, string description, Money amount)
    {
        Kind = kind;
        Description = description;
        AmountCents = amount.Amount;
        Currency = amount.Currency;
    }

    public InvoiceLineKind Kind { get; private set; }

    public string Description { get; private set; }

    public Money Amount => new(AmountCents, Currency);

    // Stored as two plain columns: a line lives inside the invoice, where EF maps no value-object structs.
    // Readable so that a read can select the cents in its query instead of materializing the invoice.
    public long AmountCents { get; private set; }

    public string Currency { get; private set; } = Money.Usd;
}

/// <summary>What the milestone and its parties looked like when the invoice was issued.</summary>
public sealed record InvoiceSubject(
    UserId EmployerId,
    UserId? TrainerId,
    JobId? JobId,
    ContractId? ContractId,
    MilestoneId? MilestoneId,
    int? FundingAttempt,
    string ProjectName,
    string Description,
    string? CounterpartyName = null,
    string? CounterpartyEmail = null);

/// <summary>
/// A numbered invoice. Immutable once issued, except its payment status, which follows the money.
/// </summary>
public sealed class Invoice : AggregateRoot<InvoiceId>
{
    public const string NumberRequired = "invoice_number_required";
    public const string AlreadyRefunded = "invoice_refunded";
    public const string AlreadyPaid = "invoice_paid";

    private readonly List<InvoiceLine> _lines = [];

    private Invoice()
    {
        Number = string.Empty;
        ProjectName = string.Empty;
        Description = string.Empty;
    }

    public string Number { get; private set; }

    public InvoiceKind Kind { get; private set; }

    public BillingType BillingType { get; private set; }

    public UserId EmployerId { get; private set; }

    public UserId? TrainerId { get; private set; }

    public JobId? JobId { get; private set; }

    public ContractId? ContractId { get; private set; }

    public MilestoneId? MilestoneId { get; private set; }

    /// <summary>The funding attempt this invoice charges, for employer funding invoices.</summary>
    public int? FundingAttempt { get; private set; }

    public string ProjectName { get; private set; }

    public string Description { get; private set; }

    /// <summary>Bill-to (employer) or pay-to (trainer) as they were named when the invoice was issued.</summary>
    public string? CounterpartyName { get; private set; }

    public string? CounterpartyEmail { get; private set; }

    public Money Total { get; private set; }

    public InvoicePaymentStatus PaymentStatus { get; private set; }

    public string? PaymentReference { get; private set; }

    public DateTimeOffset IssuedAt { get; private set; }

    public DateTimeOffset? PaidAt { get; private set; }

    public IReadOnlyList<InvoiceLine> Lines => _lines;

    /// <summary>Number prefix per kind: INV funding, PAY payout, SUB subscription, CRN credit note.</summary>
    public static string PrefixOf(InvoiceKind kind) => kind switch
    {
        InvoiceKind.EmployerFunding => "INV",
        InvoiceKind.TrainerPayout => "PAY",
        InvoiceKind.Subscription => "SUB",
        InvoiceKind.CreditNote => "CRN",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string FormatNumber(InvoiceKind kind, int year, long sequence) => $"{PrefixOf(kind)}-{year:0000}-{sequence:000000}";

    /// <summary>What a line's description column holds; a credit note's "Refund of …" prefix must fit too.</summary>
    public const int MaxLineDescriptionLength = 2100;


    public static Invoice IssueFunding(
        string number,
        InvoiceSubject subject,
        Money milestoneAmount,
        Money marketplaceFee,
        Money contractInitiationFee,
        InvoicePaymentStatus status,
        string? paymentReference,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var lines = new List<InvoiceLine>
        {
            new(InvoiceLineKind.Milestone, subject.Description, milestoneAmount),
            new(InvoiceLineKind.MarketplaceFee, "Marketplace fee", marketplaceFee),
        };
        if (contractInitiationFee.Amount > 0)
        {
            lines.Add(new InvoiceLine(InvoiceLineKind.ContractInitiationFee, "Contract initiation fee", contractInitiationFee));
        }

        return Issue(number, InvoiceKind.EmployerFunding, BillingType.FixedPriceMilestone, subject, lines, status, paymentReference, now);
    }

    public static Invoice IssuePayout(string number, InvoiceSubject subject, Money payout, string transferReference, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var lines = new List<InvoiceLine> { new(InvoiceLineKind.Milestone, subject.Description, payout) };
        return Issue(number, InvoiceKind.TrainerPayout, BillingType.MilestonePayout, subject, lines, InvoicePaymentStatus.Paid, transferReference, now);
    }

    /// <summary>A plan's invoice from Stripe Billing: separate from milestone charges, referenced by Stripe's invoice id.</summary>
    public static Invoice IssueSubscription(
        string number, UserId employerId, string planName, Money amount, InvoicePaymentStatus status, string stripeInvoiceId, DateTimeOffset now, string? employerName = null, string? employerEmail = null)
    {
        var lines = new List<InvoiceLine> { new(InvoiceLineKind.Subscription, $"{planName} plan subscription", amount) };
        var subject = new InvoiceSubject(employerId, null, null, null, null, null, $"{planName} plan", $"{planName} plan subscription", employerName, employerEmail);
        return Issue(number, InvoiceKind.Subscription, BillingType.Subscription, subject, lines, status, stripeInvoiceId, now);
    }

    /// <summary>The credit note of a refunded funding: the same lines, referring to the original invoice.</summary>
    public static Invoice IssueCreditNote(string number, Invoice original, string refundReference, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(original);
        var lines = original.Lines.Select(l => new InvoiceLine(l.Kind, BoundedText.Fit($"Refund of {original.Number}: {l.Description}", MaxLineDescriptionLength), l.Amount)).ToList();
        var subject = new InvoiceSubject(
            original.EmployerId, original.TrainerId, original.JobId, original.ContractId, original.MilestoneId, original.FundingAttempt, original.ProjectName, original.Description,
            original.CounterpartyName, original.CounterpartyEmail);
        return Issue(number, InvoiceKind.CreditNote, BillingType.Refund, subject, lines, InvoicePaymentStatus.Refunded, refundReference, now);
    }

    public void MarkPaid(string? paymentReference, DateTimeOffset now) => ChangeStatus(InvoicePaymentStatus.Paid, paymentReference, now);

    public void MarkPending(string? paymentReference, DateTimeOffset now) => ChangeStatus(InvoicePaymentStatus.Pending, paymentReference, now);

    public void MarkFailed(string? paymentReference, DateTimeOffset now) => ChangeStatus(InvoicePaymentStatus.Failed, paymentReference, now);

    public void MarkRefunded(DateTimeOffset now) => ChangeStatus(InvoicePaymentStatus.Refunded, PaymentReference, now);

    /// <summary>
    /// Follows the provider's word on the payment (funding attempts, subscription invoices), which may
    /// come late, twice or out of order: a status the invoice already has changes nothing, and a paid
    /// invoice stays paid (only a refund changes it).
    /// </summary>
    public void FollowPayment(InvoicePaymentStatus status, string? paymentReference, DateTimeOffset now)
    {
        if (status == PaymentStatus || PaymentStatus == InvoicePaymentStatus.Paid)
        {
            return;
        }

        switch (status)
        {
            case InvoicePaymentStatus.Paid:
                MarkPaid(paymentReference, now);
                break;
            case InvoicePaymentStatus.Failed:
                MarkFailed(paymentReference, now);
                break;
            case InvoicePaymentStatus.Pending:
                MarkPending(paymentReference, now);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, "A refund is support's decision, never the provider's payment status.");
        }
    }

    private static Invoice Issue(
        string number,
        InvoiceKind kind,
        BillingType billingType,
        InvoiceSubject subject,
        List<InvoiceLine> lines,
        InvoicePaymentStatus status,
        string? paymentReference,
        DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            throw new DomainException(NumberRequired, "An invoice needs a number.");
        }

        var total = lines.Skip(1).Aggregate(lines[0].Amount, (sum, line) => sum + line.Amount);
        var invoice = new Invoice
        {
            Id = InvoiceId.New(),
            Number = number,
            Kind = kind,
            BillingType = billingType,
            EmployerId = subject.EmployerId,
            TrainerId = subject.TrainerId,
            JobId = subject.JobId,
            ContractId = subject.ContractId,
            MilestoneId = subject.MilestoneId,
            FundingAttempt = subject.FundingAttempt,
            ProjectName = subject.ProjectName,
            Description = subject.Description,
            CounterpartyName = subject.CounterpartyName,
            CounterpartyEmail = subject.CounterpartyEmail,
            Total = total,
            PaymentStatus = status,
            PaymentReference = paymentReference,
            IssuedAt = now,
            PaidAt = status == InvoicePaymentStatus.Paid ? now : null,
        };
        invoice._lines.AddRange(lines);
        invoice.Raise(new InvoiceIssued(invoice.Id, kind, number, now));
        return invoice;
    }

    private void ChangeStatus(InvoicePaymentStatus status, string? paymentReference, DateTimeOffset now)
    {
        if (PaymentStatus == InvoicePaymentStatus.Refunded)
        {
            throw new DomainException(AlreadyRefunded, $"Invoice {Number} was refunded; its status no longer changes.");
        }

        if (PaymentStatus == InvoicePaymentStatus.Paid && status != InvoicePaymentStatus.Refunded)
        {
            throw new DomainException(AlreadyPaid, $"Invoice {Number} is paid; only a refund changes it now.");
        }

        PaymentStatus = status;
        PaymentReference = paymentReference ?? PaymentReference;
        if (status == InvoicePaymentStatus.Paid)
        {
            PaidAt = now;
        }

        Raise(new InvoicePaymentStatusChanged(Id, status, now));
    }
}
