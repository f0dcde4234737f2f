using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Payouts;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Infrastructure.Persistence.Configurations;

internal sealed class UserProfileConfiguration : IEntityTypeConfiguration<UserProfile>
{
    public void Configure(EntityTypeBuilder<UserProfile> builder)
    {
        builder.ToTable("Users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).ValueGeneratedNever();
        builder.Property(u => u.Version).IsConcurrencyToken();
        builder.Property(u => u.Role).HasConversion<string>().HasMaxLength(32);
        builder.Property(u => u.Name).HasMaxLength(UserProfile.MaxNameLength);
        builder.Property(u => u.Email).HasMaxLength(UserProfile.MaxEmailLength);
        builder.Ignore(u => u.DomainEvents);
    }
}

internal sealed class EmployerBillingProfileConfiguration : IEntityTypeConfiguration<EmployerBillingProfile>
{
    public void Configure(EntityTypeBuilder<EmployerBillingProfile> builder)
    {
        builder.ToTable("EmployerBillingProfiles");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.Property(p => p.CustomerId).HasMaxLength(255);
        builder.Property(p => p.SubscriptionId).HasMaxLength(255);
        builder.Property(p => p.Plan).HasConversion<string>().HasMaxLength(32);
        builder.Property(p => p.SubscriptionStatus).HasConversion<string>().HasMaxLength(32);
        builder.OwnsOne(p => p.DefaultPaymentMethod, pm =>
        {
            pm.Property(x => x.ProviderId).HasColumnName("PaymentMethodId").HasMaxLength(255);
            pm.Property(x => x.Type).HasColumnName("PaymentMethodType").HasConversion<string>().HasMaxLength(32);
            pm.Property(x => x.Brand).HasColumnName("PaymentMethodBrand").HasMaxLength(64);
            pm.Property(x => x.Last4).HasColumnName("PaymentMethodLast4").HasMaxLength(4);
        });
        builder.Ignore(p => p.DomainEvents);
        builder.HasIndex(p => p.CustomerId).IsUnique();
    }
}

internal sealed class TrainerPayoutAccountConfiguration : IEntityTypeConfiguration<TrainerPayoutAccount>
{
    public void Configure(EntityTypeBuilder<TrainerPayoutAccount> builder)
    {
        builder.ToTable("TrainerPayoutAccounts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.Property(a => a.ConnectedAccountId).HasMaxLength(255);
        builder.Property(a => a.Country).HasMaxLength(2).IsUnicode(false);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(32);
        builder.PrimitiveCollection(a => a.RequirementsDue).HasField("_requirementsDue");
        builder.Ignore(a => a.CanReceiveTransfers);
        builder.Ignore(a => a.DomainEvents);
        builder.HasIndex(a => a.ConnectedAccountId).IsUnique();
    }
}
