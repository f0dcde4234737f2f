using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Domain.UnitTests.Invoices;

public sealed class InvoiceTests
{
    private static readonly InvoiceSubject _subject = new(
        Parties.Employer,
        Parties.Trainer,
        new JobId(new Guid("00000000-0000-0000-0000-0000000a0001")),
        new ContractId(new Guid("00000000-0000-0000-0000-0000000c0001")),
        new MilestoneId(new Guid("00000000-0000-0000-0000-0000000d0001")),
        2,
        "Image labelling",
        "Label 500 images with bounding boxes");

    [Theory]
    [InlineData(InvoiceKind.EmployerFunding, 2026, 42L, "INV-2026-000042")]
    [InlineData(InvoiceKind.TrainerPayout, 2026, 42L, "PAY-2026-000042")]
    [InlineData(InvoiceKind.Subscription, 2027, 1L, "SUB-2027-000001")]
    [InlineData(InvoiceKind.CreditNote, 2026, 999_999L, "CRN-2026-999999")]
    public void FormatNumber_ForKindYearAndSequence_PadsTheSequenceToSixDigits(InvoiceKind kind, int year, long sequence, string expected)
    {
        Assert.Equal(expected, Invoice.FormatNumber(kind, year, sequence));
    }

    [Fact]
    public void IssueFunding_WithContractFee_ListsMilestoneMarketplaceFeeAndContractFeeAndTotalsThem()
    {
        var invoice = IssueFunding(contractFeeCents: 995, InvoicePaymentStatus.Paid);

        Assert.Equal(
            [InvoiceLineKind.Milestone, InvoiceLineKind.MarketplaceFee, InvoiceLineKind.ContractInitiationFee],
            invoice.Lines.Select(l => l.Kind));
        Assert.Equal([10_000L, 1_000L, 995L], invoice.Lines.Select(l => l.Amount.Amount));
        Assert.Equal("Label 500 images with bounding boxes", invoice.Lines[0].Description);
        Assert.Equal(Money.FromCents(11_995), invoice.Total);
    }

    [Fact]
    public void IssueFunding_WithoutContractFee_LeavesTheContractFeeLineOut()
    {
        var invoice = IssueFunding(contractFeeCents: 0, InvoicePaymentStatus.Paid);

        Assert.Equal([InvoiceLineKind.Milestone, InvoiceLineKind.MarketplaceFee], invoice.Lines.Select(l => l.Kind));
        Assert.Equal(Money.FromCents(11_000), invoice.Total);
    }

    [Fact]
    public void IssueFunding_WhenIssued_CopiesTheSubjectAndRaisesInvoiceIssued()
    {
        var invoice = IssueFunding(contractFeeCents: 995, InvoicePaymentStatus.Paid);

        Assert.Equal("INV-2026-000042", invoice.Number);
        Assert.Equal(InvoiceKind.EmployerFunding, invoice.Kind);
        Assert.Equal(BillingType.FixedPriceMilestone, invoice.BillingType);
        Assert.Equal("Image labelling", invoice.ProjectName);
        Assert.Equal(_subject.Description, invoice.Description);
        Assert.Equal(_subject.MilestoneId, invoice.MilestoneId);
        Assert.Equal(2, invoice.FundingAttempt);
        Assert.Equal(Parties.Employer, invoice.EmployerId);
        Assert.Equal(Parties.Trainer, invoice.TrainerId);
        Assert.Equal("pi_1", invoice.PaymentReference);
        Assert.Equal(Moments.Now, invoice.IssuedAt);
        var issued = Assert.IsType<InvoiceIssued>(Assert.Single(invoice.DomainEvents));
        Assert.Equal("INV-2026-000042", issued.Number);
    }

    [Theory]
    [InlineData(InvoicePaymentStatus.Paid, true)]
    [InlineData(InvoicePaymentStatus.Pending, false)]
    public void IssueFunding_ByInitialStatus_SetsPaidAtOnlyWhenPaid(InvoicePaymentStatus status, bool paid)
    {
        var invoice = IssueFunding(contractFeeCents: 0, status);

        Assert.Equal(status, invoice.PaymentStatus);
        Assert.Equal(paid ? Moments.Now : null, invoice.PaidAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void IssueFunding_WhenNumberIsBlank_RefusesWithInvoiceNumberRequired(string number)
    {
        var error = Assert.Throws<DomainException>(() => Invoice.IssueFunding(
            number, _subject, Money.FromCents(10_000), Money.FromCents(1_000), Money.FromCents(0), InvoicePaymentStatus.Paid, null, Moments.Now));

        Assert.Equal("invoice_number_required", error.Code);
    }

    [Fact]
    public void IssuePayout_WhenIssued_IsAPaidPayoutOfTheMilestoneAmount()
    {
        var invoice = Invoice.IssuePayout("PAY-2026-000007", _subject, Money.FromCents(10_000), "tr_1", Moments.Now);

        Assert.Equal(InvoiceKind.TrainerPayout, invoice.Kind);
        Assert.Equal(BillingType.MilestonePayout, invoice.BillingType);
        Assert.Equal(InvoicePaymentStatus.Paid, invoice.PaymentStatus);
        Assert.Equal(Moments.Now, invoice.PaidAt);
        Assert.Equal("tr_1", invoice.PaymentReference);
        var line = Assert.Single(invoice.Lines);
        Assert.Equal(InvoiceLineKind.Milestone, line.Kind);
        Assert.Equal(Money.FromCents(10_000), invoice.Total);
    }

    [Fact]
    public void MarkPaid_WhenPendingOrFailed_BecomesPaid()
    {
        var invoice = IssueFunding(contractFeeCents: 0, InvoicePaymentStatus.Pending);
        invoice.MarkFailed(null, Moments.Now.AddMinutes(1));
        invoice.MarkPending("pi_2", Moments.Now.AddMinutes(2));

        invoice.MarkPaid("ch_2", Moments.Later);

        Assert.Equal(InvoicePaymentStatus.Paid, invoice.PaymentStatus);
        Assert.Equal(Moments.Later, invoice.PaidAt);
        Assert.Equal("ch_2", invoice.PaymentReference);
        var changed = Assert.IsType<InvoicePaymentStatusChanged>(invoice.DomainEvents[^1]);
        Assert.Equal(InvoicePaymentStatus.Paid, changed.Status);
        Assert.Equal(3, invoice.DomainEvents.OfType<InvoicePaymentStatusChanged>().Count());
    }

    [Fact]
    public void MarkFailed_WithoutAReference_KeepsThePreviousReference()
    {
        var invoice = IssueFunding(contractFeeCents: 0, InvoicePaymentStatus.Pending);

        invoice.MarkFailed(null, Moments.Later);

        Assert.Equal(InvoicePaymentStatus.Failed, invoice.PaymentStatus);
        Assert.Equal("pi_1", invoice.PaymentReference);
    }

    [Theory]
    [InlineData(InvoicePaymentStatus.Pending)]
    [InlineData(InvoicePaymentStatus.Failed)]
    [InlineData(InvoicePaymentStatus.Paid)]
    public void ChangeStatus_WhenPaidAndNotARefund_RefusesWithInvoicePaid(InvoicePaymentStatus target)
    {
        var invoice = IssueFunding(contractFeeCents: 0, InvoicePaymentStatus.Paid);
        var eventsBefore = invoice.DomainEvents.Count;

        var error = Assert.Throws<DomainException>(() => MoveTo(invoice, target));

        Assert.Equal("invoice_paid", error.Code);
        Assert.Equal(InvoicePaymentStatus.Paid, invoice.PaymentStatus);
        Assert.Equal(Moments.Now, invoice.PaidAt);
        Assert.Equal("pi_1", invoice.PaymentReference);
        Assert.Equal(eventsBefore, invoice.DomainEvents.Count);
    }

    [Fact]
    public void MarkRefunded_WhenPaid_BecomesRefundedKeepingThePaymentFacts()
    {
        var invoice = IssueFunding(contractFeeCents: 0, InvoicePaymentStatus.Paid);

        invoice.MarkRefunded(Moments.Later);

        Assert.Equal(InvoicePaymentStatus.Refunded, invoice.PaymentStatus);
        Assert.Equal("pi_1", invoice.PaymentReference);
        Assert.Equal(Moments.Now, invoice.PaidAt);
        Assert.Equal(InvoicePaymentStatus.Refunded, Assert.IsType<InvoicePaymentStatusChanged>(invoice.DomainEvents[^1]).Status);
    }

    [Theory]
    [InlineData(InvoicePaymentStatus.Pending)]
    [InlineData(InvoicePaymentStatus.Failed)]
    [InlineData(InvoicePaymentStatus.Paid)]
    [InlineData(InvoicePaymentStatus.Refunded)]
    public void ChangeStatus_WhenRefunded_RefusesWithInvoiceRefunded(InvoicePaymentStatus target)
    {
        var invoice = IssueFunding(contractFeeCents: 0, InvoicePaymentStatus.Paid);
        invoice.MarkRefunded(Moments.Now.AddHours(1));
        var eventsBefore = invoice.DomainEvents.Count;

        var error = Assert.Throws<DomainException>(() => MoveTo(invoice, target));

        Assert.Equal("invoice_refunded", error.Code);
        Assert.Equal(InvoicePaymentStatus.Refunded, invoice.PaymentStatus);
        Assert.Equal(eventsBefore, invoice.DomainEvents.Count);
    }

    private static Invoice IssueFunding(long contractFeeCents, InvoicePaymentStatus status) => Invoice.IssueFunding(
        Invoice.FormatNumber(InvoiceKind.EmployerFunding, 2026, 42),
        _subject,
        Money.FromCents(10_000),
        Money.FromCents(1_000),
        Money.FromCents(contractFeeCents),
        status,
        "pi_1",
        Moments.Now);

    private static void MoveTo(Invoice invoice, InvoicePaymentStatus target)
    {
        switch (target)
        {
            case InvoicePaymentStatus.Pending:
                invoice.MarkPending("pi_other", Moments.Later);
                break;
            case InvoicePaymentStatus.Failed:
                invoice.MarkFailed("pi_other", Moments.Later);
                break;
            case InvoicePaymentStatus.Paid:
                invoice.MarkPaid("ch_other", Moments.Later);
                break;
            case InvoicePaymentStatus.Refunded:
                invoice.MarkRefunded(Moments.Later);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(target), target, null);
        }
    }
}
