using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>
/// What the test event handlers did, shared across restarts: how often each outbox message reached
/// them, and how many more deliveries must crash after their effect.
/// </summary>
public sealed class SafetyEffectLog
{
    private readonly ConcurrentDictionary<Guid, int> _deliveries = new();
    private int _failuresLeft;

    public const string EffectPrefix = "safety-effect:";

    public int Deliveries(Guid messageId) => _deliveries.GetValueOrDefault(messageId);

    public IReadOnlyDictionary<Guid, int> AllDeliveries => _deliveries;

    /// <summary>The next <paramref name="count"/> deliveries write their effect and then throw.</summary>
    public void CrashAfterEffect(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    internal bool Delivered(Guid messageId)
    {
        _deliveries.AddOrUpdate(messageId, 1, (_, n) => n + 1);
        return Interlocked.Decrement(ref _failuresLeft) >= 0;
    }

    /// <summary>Registers the effect handler for <typeparamref name="TEvent"/> after the application's own handlers.</summary>
    public Action<IServiceCollection> Register<TEvent>()
        where TEvent : IDomainEvent => services =>
        {
            services.AddSingleton(this);
            services.AddScoped<IDomainEventHandler<TEvent>, SafetyEffectHandler<TEvent>>();
        };

    /// <summary>The committed effects of one outbox message (rows the handler wrote).</summary>
    public static Task<int> CountEffectsAsync(ApiFactory factory, Guid messageId) =>
        factory.QueryAsync(db => db.Set<ProcessedWebhookEvent>().CountAsync(e => e.EventId.StartsWith(EffectPrefix + messageId.ToString("N"))));
}

/// <summary>
/// A test handler with a database effect that nothing deduplicates (a fresh row per delivery), so
/// only the outbox's one-transaction delivery keeps it to one; it crashes after the effect when told to.
/// </summary>
internal sealed class SafetyEffectHandler<TEvent>(AppDbContext db, SafetyEffectLog log, TimeProvider clock) : IDomainEventHandler<TEvent>
    where TEvent : IDomainEvent
{
    public async Task HandleAsync(TEvent domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        db.Add(new ProcessedWebhookEvent
        {
            EventId = $"{SafetyEffectLog.EffectPrefix}{context.EventId:N}:{Guid.NewGuid():N}",
            Type = typeof(TEvent).Name,
            ReceivedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        if (log.Delivered(context.EventId))
        {
            throw new SafetyCrashException($"handler of {typeof(TEvent).Name} crashed after its effect");
        }
    }
}
