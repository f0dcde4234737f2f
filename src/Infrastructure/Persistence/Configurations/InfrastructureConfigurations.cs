using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.Persistence.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Type).HasMaxLength(200);
        builder.Property(m => m.Payload).HasMaxLength(int.MaxValue);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.LockedBy).HasMaxLength(200);
        builder.Property(m => m.LastError).HasMaxLength(4000);

        // The dispatcher's claim query: due pending rows whose lease is free.
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
    }
}

internal sealed class InvoiceSequenceConfiguration : IEntityTypeConfiguration<InvoiceSequence>
{
    public void Configure(EntityTypeBuilder<InvoiceSequence> builder)
    {
        builder.ToTable("InvoiceSequences");
        builder.HasKey(s => new { s.Prefix, s.Year });
        builder.Property(s => s.Prefix).HasMaxLength(InvoiceSequence.PrefixLength).IsUnicode(false);
    }
}
