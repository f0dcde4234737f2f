using System.Collections.Frozen;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Infrastructure.Persistence.Outbox;

/// <summary>Outbox rows name their event by type name; this maps the name back to the type.</summary>
public static class DomainEventTypes
{
    private static readonly FrozenDictionary<string, Type> ByName = typeof(IDomainEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDomainEvent).IsAssignableFrom(t))
        .ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    public static Type? Find(string name) => ByName.GetValueOrDefault(name);
}
