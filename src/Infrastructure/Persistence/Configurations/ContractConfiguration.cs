using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenTrain.Clean.Domain.Contracts;

namespace OpenTrain.Clean.Infrastructure.Persistence.Configurations;

internal sealed class ContractConfiguration : IEntityTypeConfiguration<Contract>
{
    public void Configure(EntityTypeBuilder<Contract> builder)
    {
        builder.ToTable("Contracts");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(32);
        builder.Ignore(c => c.DomainEvents);
        builder.HasIndex(c => c.JobId);
        builder.HasIndex(c => new { c.EmployerId, c.HiredAt, c.Id });
        builder.HasIndex(c => new { c.TrainerId, c.HiredAt, c.Id });
    }
}
