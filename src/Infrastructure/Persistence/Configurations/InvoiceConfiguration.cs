using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Infrastructure.Persistence.Configurations;

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> builder)
    {
        builder.ToTable("Invoices");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.Property(i => i.Number).HasMaxLength(32).IsUnicode(false);
        builder.Property(i => i.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(i => i.BillingType).HasConversion<string>().HasMaxLength(32);
        builder.Property(i => i.PaymentStatus).HasConversion<string>().HasMaxLength(32);
        builder.Property(i => i.ProjectName).HasMaxLength(200);
        builder.Property(i => i.Description).HasMaxLength(2000);
        builder.Property(i => i.PaymentReference).HasMaxLength(255);
        builder.Property(i => i.CounterpartyName).HasMaxLength(Domain.Users.UserProfile.MaxNameLength);
        builder.Property(i => i.CounterpartyEmail).HasMaxLength(Domain.Users.UserProfile.MaxEmailLength);
        builder.ComplexProperty(i => i.Total, money => money.MapMoney("Total"));
        builder.OwnsMany(i => i.Lines, line =>
        {
            line.ToTable("InvoiceLines");
            line.WithOwner().HasForeignKey("InvoiceId");
            line.Property<int>("Id");
            line.HasKey("Id");
            line.Property(l => l.Kind).HasConversion<string>().HasMaxLength(32);
            line.Property(l => l.Description).HasMaxLength(Invoice.MaxLineDescriptionLength);
            line.Ignore(l => l.Amount);
            line.Property(l => l.AmountCents).HasColumnName("AmountCents");
            line.Property(l => l.Currency).HasColumnName("AmountCurrency").HasMaxLength(3).IsUnicode(false);
        });
        builder.Navigation(i => i.Lines).HasField("_lines");
        builder.Ignore(i => i.DomainEvents);

        builder.HasIndex(i => i.Number).IsUnique();
        builder.HasIndex(i => new { i.MilestoneId, i.Kind, i.FundingAttempt });
        // The Reports page and the lists read one party's invoices newest first (issued at, then id): keyset pages.
        builder.HasIndex(i => new { i.EmployerId, i.IssuedAt, i.Id });
        builder.HasIndex(i => new { i.TrainerId, i.Kind, i.IssuedAt, i.Id });
        builder.HasIndex(i => new { i.IssuedAt, i.Id });
        builder.HasIndex(i => i.ContractId);

        // The report filtered by job: its totals read the job's invoices, not every invoice (docs/decisions/015).
        builder.HasIndex(i => new { i.JobId, i.IssuedAt });

        // Stripe's invoice.paid / invoice.payment_failed name the provider's invoice.
        builder.HasIndex(i => new { i.PaymentReference, i.Kind });
    }
}
