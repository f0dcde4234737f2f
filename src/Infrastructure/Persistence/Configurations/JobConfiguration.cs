using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenTrain.Clean.Domain.Jobs;

namespace OpenTrain.Clean.Infrastructure.Persistence.Configurations;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("Jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).ValueGeneratedNever();
        builder.Property(j => j.Version).IsConcurrencyToken();
        builder.Property(j => j.Title).HasMaxLength(Job.MaxTitleLength);
        builder.Property(j => j.Description).HasMaxLength(Job.MaxDescriptionLength);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(32);
        builder.Ignore(j => j.DomainEvents);
        // Lists are newest first by creation instant, then id (never by id alone: see NewestFirst).
        builder.HasIndex(j => new { j.EmployerId, j.CreatedAt, j.Id });
    }
}
