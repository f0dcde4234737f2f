namespace OpenTrain.Clean.Domain.Common;

/// <summary>Something that happened to an aggregate, named in the past tense.</summary>
public interface IDomainEvent
{
    DateTimeOffset OccurredAt { get; }
}
