using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.IntegratorEvents;

/// <summary>
/// One event for one party (an employer or a trainer), written in the same transaction as the change
/// it tells of. <see cref="Body"/> is the event exactly as the feed returns it and webhooks send it,
/// its <c>data</c> the resource as the API showed it to that party at that moment. It never changes,
/// except that publishing gives it its place in the party's feed (<see cref="Position"/>).
/// </summary>
public sealed class IntegratorEvent
{
    public const string AlreadyPublished = "integrator_event_published";

    private IntegratorEvent()
    {
        Type = string.Empty;
        ResourceType = string.Empty;
        Body = string.Empty;
    }

    public IntegratorEventId Id { get; private set; }

    /// <summary>The order events were written in, numbered by the database as it inserts them.</summary>
    public long Number { get; private set; }

    /// <summary>
    /// Assigned after commit, in commit order, by the one publisher that holds the position counter;
    /// null until then. Feeds and deliveries follow it, never ids or clocks.
    /// </summary>
    public long? Position { get; private set; }

    public UserId RecipientId { get; private set; }

    /// <summary>The catalog name, e.g. <c>milestone.funded</c>.</summary>
    public string Type { get; private set; }

    /// <summary><c>milestone</c>, <c>contract</c>, <c>invoice</c>, <c>payout_account</c> or <c>subscription</c>.</summary>
    public string ResourceType { get; private set; }

    public Guid ResourceId { get; private set; }

    /// <summary>Strictly increasing per resource (not contiguous): a receiver keeps the highest it has applied.</summary>
    public long ResourceSequence { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The serialized event (id, type, created, apiVersion, resource, data).</summary>
    public string Body { get; private set; }

    /// <summary>Places the event in its recipient's feed; an event is published once.</summary>
    public void Publish(long position)
    {
        if (Position is not null)
        {
            throw new DomainException(AlreadyPublished, $"Event {Id} was published at position {Position}.");
        }

        Position = position;
    }

    public static IntegratorEvent Record(
        IntegratorEventId id,
        UserId recipientId,
        string type,
        string resourceType,
        Guid resourceId,
        long resourceSequence,
        DateTimeOffset createdAt,
        string body) => new()
        {
            Id = id,
            RecipientId = recipientId,
            Type = type,
            ResourceType = resourceType,
            ResourceId = resourceId,
            ResourceSequence = resourceSequence,
            CreatedAt = createdAt,
            Body = body,
        };
}
