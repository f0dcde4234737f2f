using System.Text.Json;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;

/// <summary>
/// Every domain event, found by reflection, read back from its outbox payload exactly as it was written:
/// a handler after the commit sees the amounts, ids and reasons the aggregate raised (a "Payout sent" of
/// 0.00 is a lost amount).
/// </summary>
public sealed class OutboxPayloadRoundTripTests
{
    public static TheoryData<string> EventTypes => [.. EventTypeNames()];

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void Payload_OfEveryDomainEvent_ReadsBackWhatWasWritten(string typeName)
    {
        var type = DomainEventTypes.Find(typeName);
        Assert.NotNull(type);
        var original = Sample(type);

        var payload = JsonSerializer.Serialize(original, type, DomainEventsToOutboxInterceptor.PayloadOptions);
        var back = JsonSerializer.Deserialize(payload, type, DomainEventsToOutboxInterceptor.PayloadOptions);

        Assert.Equal(original, back);
        Assert.Equal(payload, JsonSerializer.Serialize(back, type, DomainEventsToOutboxInterceptor.PayloadOptions));
    }

    [Fact]
    public void EventTypes_IncludeEveryEventThatCarriesMoney()
    {
        var withMoney = EventTypeNames().Where(name => DomainEventTypes.Find(name)!.GetProperties().Any(p => p.PropertyType == typeof(Money))).ToList();

        Assert.Contains("MilestonePaid", withMoney);
        Assert.Contains("MilestoneApproved", withMoney);
    }

    private static IEnumerable<string> EventTypeNames() => typeof(IDomainEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDomainEvent).IsAssignableFrom(t))
        .Select(t => t.Name)
        .Order(StringComparer.Ordinal);

    /// <summary>An instance with a distinct, non-default value in every constructor parameter.</summary>
    private static object Sample(Type type)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var values = constructor.GetParameters().Select((p, i) => Value(p.ParameterType, i + 1)).ToArray();
        return constructor.Invoke(values);
    }

    private static object Value(Type type, int seed)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(Money))
        {
            return new Money(12_345 + seed, "USD");
        }

        if (underlying == typeof(Guid))
        {
            return new Guid(seed, 1, 2, [3, 4, 5, 6, 7, 8, 9, 10]);
        }

        if (underlying.GetConstructor([typeof(Guid)]) is { } typedId && typeof(ITypedId).IsAssignableFrom(underlying))
        {
            return typedId.Invoke([new Guid(seed, 9, 9, [1, 2, 3, 4, 5, 6, 7, 8])]);
        }

        if (underlying.IsEnum)
        {
            var names = Enum.GetValues(underlying);
            return names.GetValue(names.Length - 1)!;
        }

        return underlying switch
        {
            _ when underlying == typeof(string) => $"text-{seed}",
            _ when underlying == typeof(int) => 40 + seed,
            _ when underlying == typeof(long) => 9_000L + seed,
            _ when underlying == typeof(bool) => true,
            _ when underlying == typeof(DateTimeOffset) => new DateTimeOffset(2026, 3, 4, 5, 6, seed % 60, TimeSpan.Zero),
            _ when underlying == typeof(DateOnly) => new DateOnly(2026, 3, seed % 28 + 1),
            _ => throw new InvalidOperationException($"No sample value for {type}: teach {nameof(OutboxPayloadRoundTripTests)} this parameter type."),
        };
    }
}
