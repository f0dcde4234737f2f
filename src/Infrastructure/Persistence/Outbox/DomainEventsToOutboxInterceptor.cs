using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Infrastructure.IntegratorEvents;

namespace OpenTrain.Clean.Infrastructure.Persistence.Outbox;

/// <summary>
/// On every save: bumps the concurrency version of each changed aggregate and turns its domain
/// events into outbox rows, so they commit or roll back with the change. Nothing is dispatched here.
/// An event no <see cref="IDomainEventHandler{TEvent}"/> is registered for gets no outbox row (the
/// dispatcher would only mark it processed); its integrator events are recorded all the same
/// (docs/decisions/016).
/// </summary>
public sealed class DomainEventsToOutboxInterceptor : SaveChangesInterceptor
{
    internal static readonly JsonSerializerOptions PayloadOptions = new(JsonSerializerDefaults.Web) { Converters = { new MoneyJsonConverter() } };

    private readonly TimeProvider _clock;
    private readonly Func<Type, bool> _handled;

    /// <summary>Writes an outbox row for every domain event, handled or not.</summary>
    public DomainEventsToOutboxInterceptor(TimeProvider clock)
        : this(clock, static _ => true)
    {
    }

    private DomainEventsToOutboxInterceptor(TimeProvider clock, Func<Type, bool> handled)
    {
        _clock = clock;
        _handled = handled;
    }

    /// <summary>
    /// Writes an outbox row only for the events that <paramref name="services"/> has a handler for: the
    /// dispatcher resolves <c>IDomainEventHandler&lt;TEvent&gt;</c> of the event's own type from the same
    /// registrations (the container does no variance), so an event without one would be claimed, read and
    /// marked processed for nothing.
    /// </summary>
    public static DomainEventsToOutboxInterceptor ForHandlersOf(TimeProvider clock, IServiceProviderIsService services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var known = new ConcurrentDictionary<Type, bool>();
        return new DomainEventsToOutboxInterceptor(
            clock,
            eventType => known.GetOrAdd(eventType, static (type, s) => s.IsService(typeof(IDomainEventHandler<>).MakeGenericType(type)), services));
    }

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

        // One scan of the tracked entities. Everything below reads the entries as it left them: with automatic
        // detection on, each Entries() call and each navigation entry would scan every tracked entity again.
        // SaveChanges scans once more after the interceptors, which picks up the version bumps made here.
        context.ChangeTracker.DetectChanges();
        var autoDetect = context.ChangeTracker.AutoDetectChangesEnabled;
        context.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await CaptureDetected(context, synchronous, cancellationToken);
        }
        finally
        {
            context.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private async ValueTask CaptureDetected(DbContext context, bool synchronous, CancellationToken cancellationToken)
    {
        var aggregates = context.ChangeTracker.Entries<IAggregateRoot>()
            .Where(entry => entry.State != EntityState.Deleted && entry.State != EntityState.Detached)
            .Where(entry => entry.State != EntityState.Unchanged || entry.Entity.DomainEvents.Count > 0 || HasChangedOwnedEntries(entry))
            .ToList();

        var now = _clock.GetUtcNow();
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
                if (!_handled(domainEvent.GetType()))
                {
                    continue;
                }

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
