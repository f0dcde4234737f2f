using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.IntegratorEvents;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Infrastructure.IntegratorEvents;

/// <summary>A domain event being saved, with its aggregate in the state being committed.</summary>
internal sealed record SavedDomainEvent(IAggregateRoot Aggregate, IDomainEvent DomainEvent, int Ordinal);

/// <summary>
/// Writes the integrator events of a save into the same save (so they commit or roll back with the
/// change), each with its data snapshot serialized now. Called by the outbox interceptor.
/// </summary>
internal static class IntegratorEventRecorder
{
    /// <summary>Room for this many events per aggregate and save in the per-resource sequence.</summary>
    private const int EventsPerSave = 1000;

    public static async ValueTask RecordAsync(DbContext context, IReadOnlyList<SavedDomainEvent> saved, bool synchronous, CancellationToken cancellationToken)
    {
        var facts = new Facts(context, synchronous);
        var recorded = new List<IntegratorEvent>();
        foreach (var (aggregate, domainEvent, ordinal) in saved)
        {
            var drafts = await IntegratorEventMapping.MapAsync(aggregate, domainEvent, facts, cancellationToken);
            if (drafts.Count == 0)
            {
                continue;
            }

            // The aggregate's version orders its saves (optimistic concurrency lets one writer through per
            // version); the ordinal orders the events within one save.
            var sequence = checked(((long)aggregate.Version * EventsPerSave) + Math.Min(ordinal, EventsPerSave - 1));
            foreach (var draft in drafts)
            {
                var id = IntegratorEventId.New();
                var resource = new IntegratorEventResource(draft.ResourceType, draft.ResourceId, sequence);
                var body = IntegratorEventJson.Serialize(id.Value, draft.Type, domainEvent.OccurredAt, resource, draft.Data);
                recorded.Add(IntegratorEvent.Record(id, draft.RecipientId, draft.Type, draft.ResourceType, draft.ResourceId, sequence, domainEvent.OccurredAt, body));
            }
        }

        // The database numbers them in the order they are added. The events of one change come in the
        // catalog's order (a hire before its milestone, a funding before its invoice), each resource's by sequence.
        var inCatalogOrder = recorded.OrderBy(e => e.CreatedAt).ThenBy(e => IntegratorEventCatalog.IndexOf(e.Type)).ToList();
        context.AddRange(IntegratorEventPublisher.FeedOrder(inCatalogOrder));
    }

    private sealed class Facts(DbContext context, bool synchronous) : IIntegratorEventFacts
    {
        public ValueTask<int> CountPendingPayoutsAsync(UserId trainerId, CancellationToken cancellationToken)
        {
            var pending = context.Set<Milestone>().AsNoTracking()
                .Where(m => m.TrainerId == trainerId && m.Status == MilestoneStatus.PayoutPending && m.Payout.Status == PayoutStatus.Pending);
            return synchronous ? new ValueTask<int>(pending.Count()) : new ValueTask<int>(pending.CountAsync(cancellationToken));
        }
    }
}
