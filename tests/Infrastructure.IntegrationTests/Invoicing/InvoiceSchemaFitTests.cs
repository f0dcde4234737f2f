using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Invoicing;

/// <summary>
/// Whatever the domain issues from the longest inputs the API accepts fits the columns of the model (SQLite ignores
/// lengths; SQL Server's nvarchar(n) refuses what does not fit, at the end of a command that already moved money).
/// </summary>
public sealed class InvoiceSchemaFitTests : IDisposable
{
    private const string CreditNoteLineBug =
        "bug: a credit note's lines are 'Refund of INV-YYYY-NNNNNN: ' + the funding line's description (src/Domain/Invoices/Invoice.cs IssueCreditNote), "
        + "up to 27 + 2,000 characters, but InvoiceLines.Description is nvarchar(2000) (src/Infrastructure/Persistence/Configurations/InvoiceConfiguration.cs): "
        + "on SQL Server (not run here; SQLite does not enforce lengths) refunding a milestone whose description is longer than 1,973 characters "
        + "would fail in RecordRefund after the provider refunded the charge (500, milestone still active_funded, no credit note). Expected: the line fits (a longer column, or the prefix kept out of the line).";

    private readonly TestDatabase _database = TestDatabase.Create();

    public void Dispose() => _database.Dispose();

    [Fact]
    public void IssueFunding_WhenProjectAndDescriptionAreTheLongestAllowed_FitsEveryColumn()
    {
        var funding = Funding();

        AssertFits(funding);
    }

    [Fact]
    public void IssueCreditNote_WhenTheDescriptionIsTheLongestAllowed_FitsEveryColumn()
    {
        var creditNote = Invoice.IssueCreditNote("CRN-2026-000001", Funding(), "re_123", Moments.Now);

        AssertFits(creditNote);
    }

    [Fact]
    public async Task IssueCreditNote_WhenSavedAndReadBack_KeepsEveryLineOfTheOriginal()
    {
        var funding = Funding(description: "First 1,000 preference pairs");
        var creditNote = Invoice.IssueCreditNote("CRN-2026-000001", funding, "re_123", Moments.Now);
        await using (var db = _database.NewContext())
        {
            db.AddRange(funding, creditNote);
            await db.SaveChangesAsync();
        }

        await using var read = _database.NewContext();
        var stored = read.Set<Invoice>().Single(i => i.Id == creditNote.Id);
        Assert.Equal(InvoiceKind.CreditNote, stored.Kind);
        Assert.Equal(BillingType.Refund, stored.BillingType);
        Assert.Equal(InvoicePaymentStatus.Refunded, stored.PaymentStatus);
        Assert.Equal("re_123", stored.PaymentReference);
        Assert.Equal(funding.Total, stored.Total);
        Assert.Equal(
            ["Refund of INV-2026-000001: First 1,000 preference pairs", "Refund of INV-2026-000001: Marketplace fee", "Refund of INV-2026-000001: Contract initiation fee"],
            stored.Lines.Select(l => l.Description));
        Assert.Equal(funding.Lines.Select(l => (l.Kind, l.Amount)), stored.Lines.Select(l => (l.Kind, l.Amount)));
    }

    private void AssertFits(Invoice invoice)
    {
        using var db = _database.NewContext();
        var invoiceType = db.Model.FindEntityType(typeof(Invoice))!;
        var lineType = db.Model.FindEntityType(typeof(InvoiceLine))!;
        Assert.True(invoice.Number.Length <= invoiceType.FindProperty(nameof(Invoice.Number))!.GetMaxLength());
        Assert.True(invoice.ProjectName.Length <= invoiceType.FindProperty(nameof(Invoice.ProjectName))!.GetMaxLength());
        Assert.True(invoice.Description.Length <= invoiceType.FindProperty(nameof(Invoice.Description))!.GetMaxLength());
        var lineMax = lineType.FindProperty(nameof(InvoiceLine.Description))!.GetMaxLength();
        Assert.All(invoice.Lines, l => Assert.True(l.Description.Length <= lineMax, $"a line of {l.Description.Length} characters, the column holds {lineMax}"));
    }

    private static Invoice Funding(string? description = null) => Invoice.IssueFunding(
        "INV-2026-000001",
        new InvoiceSubject(
            Parties.Employer,
            Parties.Trainer,
            JobId.New(),
            ContractId.New(),
            MilestoneId.New(),
            1,
            new string('p', Job.MaxTitleLength),
            description ?? new string('d', Milestone.MaxDescriptionLength)),
        Money.FromCents(50_000),
        Money.FromCents(5_000),
        Money.FromCents(995),
        InvoicePaymentStatus.Paid,
        "pi_123",
        Moments.Now);
}
