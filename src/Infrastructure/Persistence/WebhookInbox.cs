using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenTrain.Clean.Application.Webhooks;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>A provider event that was applied; its id is the primary key.</summary>
public sealed class ProcessedWebhookEvent
{
    public string EventId { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public DateTimeOffset ReceivedAt { get; set; }
}

internal sealed class ProcessedWebhookEventConfiguration : IEntityTypeConfiguration<ProcessedWebhookEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedWebhookEvent> builder)
    {
        builder.ToTable("ProcessedWebhookEvents");
        builder.HasKey(e => e.EventId);
        builder.Property(e => e.EventId).HasMaxLength(255).IsUnicode(false);
        builder.Property(e => e.Type).HasMaxLength(100).IsUnicode(false);
    }
}

/// <summary>
/// The row is added to the command's transaction: it commits with the event's effect or not at all.
/// Two deliveries racing past the check collide on the primary key and the loser rolls back.
/// </summary>
internal sealed class WebhookInbox(AppDbContext db, TimeProvider clock) : IWebhookInbox
{
    public async Task<bool> TryRecordAsync(string eventId, string type, CancellationToken cancellationToken)
    {
        if (await db.Set<ProcessedWebhookEvent>().AnyAsync(e => e.EventId == eventId, cancellationToken))
        {
            return false;
        }

        db.Add(new ProcessedWebhookEvent { EventId = eventId, Type = type, ReceivedAt = clock.GetUtcNow() });
        return true;
    }
}
