using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Infrastructure.Persistence.Configurations;

internal sealed class MilestoneConfiguration : IEntityTypeConfiguration<Milestone>
{
    public void Configure(EntityTypeBuilder<Milestone> builder)
    {
        builder.ToTable("Milestones");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Version).IsConcurrencyToken();
        builder.Property(m => m.Title).HasMaxLength(Milestone.MaxTitleLength);
        builder.Property(m => m.Description).HasMaxLength(Milestone.MaxDescriptionLength);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(32);
        builder.Property(m => m.PayoutStatus).HasConversion<string>().HasMaxLength(32);
        builder.Property(m => m.PayoutReason).HasConversion<string>().HasMaxLength(32);
        builder.Property(m => m.SubmissionNote).HasMaxLength(Milestone.MaxNoteLength);
        builder.Property(m => m.ChangesRequestedReason).HasMaxLength(Milestone.MaxNoteLength);
        builder.Property(m => m.PaymentIntentId).HasMaxLength(255);
        builder.Property(m => m.ChargeId).HasMaxLength(255);
        builder.Property(m => m.FundingClientSecret).HasMaxLength(255);
        builder.Property(m => m.FundingPaymentMethodId).HasMaxLength(255);
        builder.Property(m => m.RefundRequestedAt);
        builder.Property(m => m.FundingPaymentMethodType).HasConversion<string>().HasMaxLength(32);
        builder.Property(m => m.TransferId).HasMaxLength(255);
        builder.Property(m => m.RefundReference).HasMaxLength(255);
        builder.Property(m => m.DisputeId).HasMaxLength(255);
        builder.Property(m => m.PayoutLastError).HasMaxLength(2000);
        builder.ComplexProperty(m => m.Amount, money => money.MapMoney("Amount"));
        builder.ComplexProperty(m => m.MarketplaceFee, money => money.MapMoney("MarketplaceFee"));
        builder.ComplexProperty(m => m.ContractInitiationFee, money => money.MapMoney("ContractInitiationFee"));
        builder.OwnsOne(m => m.LastFundingError, error =>
        {
            error.Property(e => e.Code).HasColumnName("LastFundingErrorCode").HasMaxLength(100);
            error.Property(e => e.Message).HasColumnName("LastFundingErrorMessage").HasMaxLength(1000);
        });
        builder.OwnsMany(m => m.Timeline, entry =>
        {
            entry.ToTable("MilestoneTimeline");
            entry.WithOwner().HasForeignKey("MilestoneId");
            entry.HasKey("MilestoneId", nameof(MilestoneTimelineEntry.Sequence));
            entry.Property(e => e.Sequence).ValueGeneratedNever();
            entry.Property(e => e.Action).HasMaxLength(64);
            entry.Property(e => e.From).HasConversion<string>().HasMaxLength(32);
            entry.Property(e => e.To).HasConversion<string>().HasMaxLength(32);
            entry.Property(e => e.Note).HasMaxLength(Milestone.MaxNoteLength);
        });
        builder.Navigation(m => m.Timeline).HasField("_timeline");
        builder.Ignore(m => m.EmployerTotal);
        builder.Ignore(m => m.IsDisputed);
        builder.Ignore(m => m.CurrentFundingAttempt);
        builder.Ignore(m => m.DomainEvents);

        builder.HasIndex(m => new { m.ContractId, m.Sequence }).IsUnique();
        builder.HasIndex(m => m.JobId);
        builder.HasIndex(m => new { m.EmployerId, m.Status });
        builder.HasIndex(m => new { m.TrainerId, m.Status });
        builder.HasIndex(m => new { m.Status, m.NextPayoutAttemptAt });
        builder.HasIndex(m => new { m.Status, m.NextFundingCheckAt });
    }
}
