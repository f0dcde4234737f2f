using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Infrastructure.IntegratorEvents;

internal sealed class IntegratorEventConfiguration : IEntityTypeConfiguration<IntegratorEvent>
{
    public void Configure(EntityTypeBuilder<IntegratorEvent> builder)
    {
        builder.ToTable("IntegratorEvents");

        // The key is the insertion number (an identity): it orders what the publisher finds on every provider.
        builder.HasKey(e => e.Number);
        builder.Property(e => e.Number).ValueGeneratedOnAdd();
        builder.HasAlternateKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Type).HasMaxLength(64).IsUnicode(false);
        builder.Property(e => e.ResourceType).HasMaxLength(32).IsUnicode(false);
        builder.Property(e => e.Body).HasMaxLength(int.MaxValue);

        // The feed: a party's events in publication order. Positions are unique (one counter hands them out).
        builder.HasIndex(e => new { e.RecipientId, e.Position });
        builder.HasIndex(e => e.Position).IsUnique();

        // The publisher's batch (Position IS NULL, by Number) and the retention clean-up (CreatedAt).
        builder.HasIndex(e => new { e.Position, e.Number }).HasDatabaseName("IX_IntegratorEvents_Unpublished");
        builder.HasIndex(e => e.CreatedAt);
    }
}

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    /// <summary>Which worker delivers to the endpoint now, and until when (shadow columns: not the domain's business).</summary>
    public const string LeasedBy = "LeasedBy";
    public const string LeasedUntil = "LeasedUntil";

    public void Configure(EntityTypeBuilder<WebhookEndpoint> builder)
    {
        builder.ToTable("WebhookEndpoints");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Version).IsConcurrencyToken();
        builder.Property(e => e.Url).HasMaxLength(WebhookEndpoint.MaxUrlLength);
        builder.Property(e => e.Description).HasMaxLength(WebhookEndpoint.MaxDescriptionLength);
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.DisabledReason).HasConversion<string>().HasMaxLength(32);
        builder.Property(e => e.Secret).HasMaxLength(100);
        builder.Property(e => e.PreviousSecret).HasMaxLength(100);
        builder.PrimitiveCollection(e => e.EventTypes).HasField("_eventTypes").HasMaxLength(4000);
        builder.Property<string?>(LeasedBy).HasMaxLength(200);
        builder.Property<DateTimeOffset?>(LeasedUntil);
        builder.Ignore(e => e.DomainEvents);

        // At most MaxPerAccount endpoints per owner: each takes one of the numbered slots.
        builder.HasIndex(e => new { e.OwnerId, e.Slot }).IsUnique();
        builder.HasIndex(e => new { e.Status, e.OwnerId });
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("WebhookDeliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.Version).IsConcurrencyToken();
        builder.Property(d => d.EventType).HasMaxLength(64).IsUnicode(false);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.OwnsMany(d => d.History, attempt =>
        {
            attempt.ToJson("History");
            attempt.Property(a => a.Error).HasMaxLength(500);
        });
        builder.Navigation(d => d.History).HasField("_history");
        builder.Ignore(d => d.LastAttempt);
        builder.Ignore(d => d.DomainEvents);

        builder.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<IntegratorEvent>().WithMany().HasForeignKey(d => d.EventId).HasPrincipalKey(e => e.Id).OnDelete(DeleteBehavior.Cascade);

        // One delivery per event and endpoint; the endpoint's next due delivery in feed order; the log.
        builder.HasIndex(d => new { d.EndpointId, d.EventId }).IsUnique();
        builder.HasIndex(d => new { d.EndpointId, d.Status, d.NextAttemptAt });
        builder.HasIndex(d => new { d.EndpointId, d.EventPosition });
        builder.HasIndex(d => d.EventId);
    }
}

/// <summary>The one row that hands out feed positions; holding its lock is what makes a publisher the only one.</summary>
internal sealed class IntegratorEventPositionCounter
{
    public int Id { get; set; }

    public long LastPosition { get; set; }
}

internal sealed class IntegratorEventPositionCounterConfiguration : IEntityTypeConfiguration<IntegratorEventPositionCounter>
{
    public void Configure(EntityTypeBuilder<IntegratorEventPositionCounter> builder)
    {
        builder.ToTable("IntegratorEventPositions");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
    }
}
