using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenTrain.Clean.Application.Reports;

namespace OpenTrain.Clean.Infrastructure.Persistence.Configurations;

/// <summary>Kept by <see cref="InvoiceDayTotals"/>, never through the change tracker.</summary>
internal sealed class InvoiceDayTotalConfiguration : IEntityTypeConfiguration<InvoiceDayTotal>
{
    public void Configure(EntityTypeBuilder<InvoiceDayTotal> builder)
    {
        builder.ToTable("InvoiceDayTotals");
        builder.HasKey(t => new { t.Day, t.Kind, t.PaymentStatus, t.Currency });

        // The same forms as the invoice's own columns, so the backfill copies them as they are.
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(InvoiceDayTotals.EnumLength);
        builder.Property(t => t.PaymentStatus).HasConversion<string>().HasMaxLength(InvoiceDayTotals.EnumLength);
        builder.Property(t => t.Currency).HasMaxLength(InvoiceDayTotals.CurrencyLength).IsUnicode(false);
    }
}
