using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Infrastructure.IntegratorEvents;

namespace OpenTrain.Clean.Infrastructure.Persistence.Outbox;

/// <summary>
/// On every save: bumps the concurrency version of each changed aggregate and turns its domain
/// events into outbox rows, so they commit or roll back with the change. Nothing is dispatched here.
/// </summary>
public sealed class DomainEventsToOutboxInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    internal static readonly JsonSerializerOptions PayloadOptions = new(JsonSerializerDefaults.Web) { Converters = { new MoneyJsonConverter() } };

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is AppDbContext { InUnitOfWork: true } db && db.Database.CurrentTransaction is null)
        {
            db.Database.BeginTransaction();
        }

        Capture(eventData.Context, synchronous: true, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return base.SavingChanges(eventData, result);
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is AppDbContext { InUnitOfWork: true } db && db.Database.CurrentTransaction is null)
        {
            // A save before the unit of work's own: it joins the command's transaction instead of committing alone.
            await db.Database.BeginTransactionAsync(cancellationToken);
        }

        await Capture(eventData.Context, synchronous: false, cancellationToken);
        return await base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    private async ValueTask Capture(DbContext? context, bool synchronous, CancellationToken cancellationToken)
    {
        if (context is null)
        {
            return;
        }

        context.ChangeTracker.DetectChanges();
        var aggregates = context.ChangeTracker.Entries<IAggregateRoot>()
            .Where(entry => entry.State != EntityState.Deleted && entry.State != EntityState.Detached)
            .Where(entry => entry.State != EntityState.Unchanged || entry.Entity.DomainEvents.Count > 0 || HasChangedOwnedEntries(entry))
            .ToList();

        var now = clock.GetUtcNow();
        var saved = new List<SavedDomainEvent>();
        foreach (var entry in aggregates)
        {
            if (entry.State != EntityState.Added)
            {
                entry.Entity.IncrementVersion();
            }

            var ordinal = 0;
            foreach (var domainEvent in entry.Entity.DomainEvents)
            {
                saved.Add(new SavedDomainEvent(entry.Entity, domainEvent, ordinal++));
                context.Add(new OutboxMessage
                {
                    Id = Guid.CreateVersion7(),
                    Type = domainEvent.GetType().Name,
                    Payload = JsonSerializer.Serialize(domainEvent, domainEvent.GetType(), PayloadOptions),
                    OccurredAt = domainEvent.OccurredAt,
                    Status = OutboxStatus.Pending,
                    NextAttemptAt = now,
                });
            }

            entry.Entity.ClearDomainEvents();
        }

        // The same events, as integrators see them, in the same transaction.
        await IntegratorEventRecorder.RecordAsync(context, saved, synchronous, cancellationToken);
    }

    private static bool HasChangedOwnedEntries(EntityEntry entry) =>
        entry.References.Any(r => r.TargetEntry is { State: EntityState.Added or EntityState.Modified or EntityState.Deleted })
        || entry.Collections.Any(c => c.CurrentValue is not null && c.IsModified);
}
