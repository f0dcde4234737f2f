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

        // The facts are values mapped onto the columns they always had.
        builder.ComplexProperty(m => m.Funding, funding =>
        {
            funding.Property(f => f.Attempts).HasColumnName("FundingAttempts");
            funding.Property(f => f.PaymentIntentId).HasColumnName("PaymentIntentId").HasMaxLength(255);
            funding.Property(f => f.ChargeId).HasColumnName("ChargeId").HasMaxLength(255);
            funding.Property(f => f.ClientSecret).HasColumnName("FundingClientSecret").HasMaxLength(255);
            funding.Property(f => f.FundedAt).HasColumnName("FundedAt");
            funding.Property(f => f.PaymentMethodId).HasColumnName("FundingPaymentMethodId").HasMaxLength(255);
            funding.Property(f => f.PaymentMethodType).HasColumnName("FundingPaymentMethodType").HasConversion<string>().HasMaxLength(32);
            funding.Property(f => f.Checks).HasColumnName("FundingChecks");
            funding.ComplexProperty(f => f.LastError, error =>
            {
                error.Property(e => e.Code).HasColumnName("LastFundingErrorCode").HasMaxLength(100);
                error.Property(e => e.Message).HasColumnName("LastFundingErrorMessage").HasMaxLength(1000);
            });
        });
        builder.ComplexProperty(m => m.Review, review =>
        {
            review.Property(r => r.SubmittedAt).HasColumnName("SubmittedAt");
            review.Property(r => r.SubmissionNote).HasColumnName("SubmissionNote").HasMaxLength(Milestone.MaxNoteLength);
            review.Property(r => r.ChangesRequestedReason).HasColumnName("ChangesRequestedReason").HasMaxLength(Milestone.MaxNoteLength);
            review.Property(r => r.ApprovedAt).HasColumnName("ApprovedAt");
            review.Property(r => r.ApprovedBy).HasColumnName("ApprovedBy");
        });
        builder.ComplexProperty(m => m.Payout, payout =>
        {
            payout.Property(p => p.Status).HasColumnName("PayoutStatus").HasConversion<string>().HasMaxLength(32);
            payout.Property(p => p.Reason).HasColumnName("PayoutReason").HasConversion<string>().HasMaxLength(32);
            payout.Property(p => p.Attempts).HasColumnName("PayoutAttempts");
            payout.Property(p => p.LastError).HasColumnName("PayoutLastError").HasMaxLength(2000);
            payout.Property(p => p.TransferId).HasColumnName("TransferId").HasMaxLength(255);
            payout.Property(p => p.PaidAt).HasColumnName("PaidAt");
        });
        builder.ComplexProperty(m => m.Refund, refund =>
        {
            refund.Property(r => r.RequestedAt).HasColumnName("RefundRequestedAt");
            refund.Property(r => r.RefundedAt).HasColumnName("RefundedAt");
            refund.Property(r => r.Reference).HasColumnName("RefundReference").HasMaxLength(255);
            refund.Property(r => r.DisputeId).HasColumnName("DisputeId").HasMaxLength(255);
        });
        builder.ComplexProperty(m => m.Amount, money => money.MapMoney("Amount"));
        builder.ComplexProperty(m => m.MarketplaceFee, money => money.MapMoney("MarketplaceFee"));
        builder.ComplexProperty(m => m.ContractInitiationFee, money => money.MapMoney("ContractInitiationFee"));
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
        builder.Ignore(m => m.IsPayoutWaiting);
        builder.Ignore(m => m.IsRefundable);
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
