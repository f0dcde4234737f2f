using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Domain.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegratorEvents;

/// <summary>
/// Gives committed events their feed positions and queues their webhook deliveries.
/// <para>
/// Positions are handed out by one counter row whose lock the publisher takes first and holds until it
/// commits, so publishers run one at a time (any number of workers may try) and every position is
/// given after all smaller ones are committed: a reader that has seen position n never later finds an
/// event below n, so the feed's cursor cannot skip an event. Within a batch the database's insertion
/// number orders; event ids (GUID v7, not ordered on SQL Server) and clocks (equal, or skewed across
/// instances) order nothing.
/// </para>
/// </summary>
public sealed class IntegratorEventPublisher(IServiceScopeFactory scopes, IOptions<IntegratorEventOptions> options, TimeProvider clock)
{
    private const string SqliteLock = """
        INSERT INTO "IntegratorEventPositions" ("Id", "LastPosition") VALUES (1, 0)
        ON CONFLICT ("Id") DO UPDATE SET "LastPosition" = "LastPosition"
        RETURNING "LastPosition";
        """;

    private const string SqlServerLock = """
        MERGE [IntegratorEventPositions] WITH (HOLDLOCK) AS target
        USING (SELECT 1 AS [Id]) AS source ON target.[Id] = source.[Id]
        WHEN MATCHED THEN UPDATE SET [LastPosition] = target.[LastPosition]
        WHEN NOT MATCHED THEN INSERT ([Id], [LastPosition]) VALUES (1, 0)
        OUTPUT inserted.[LastPosition];
        """;

    /// <summary>Publishes until no committed event waits; returns how many it published.</summary>
    public async Task<int> PublishAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        for (var batch = 0; batch < 100; batch++)
        {
            var published = await PublishBatchAsync(cancellationToken);
            total += published;
            if (published < options.Value.PublishBatchSize)
            {
                break;
            }
        }

        return total;
    }

    private async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (!await db.Set<IntegratorEvent>().AnyAsync(e => e.Position == null, cancellationToken))
        {
            return 0;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var last = await LockCounterAsync(db, transaction, cancellationToken);

        // Read under the lock: whatever another publisher published before we got it is no longer here.
        var batch = await db.Set<IntegratorEvent>()
            .Where(e => e.Position == null)
            .OrderBy(e => e.Number)
            .Take(options.Value.PublishBatchSize)
            .ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        var ordered = FeedOrder(batch);
        var now = clock.GetUtcNow();
        var recipients = ordered.Select(e => e.RecipientId).Distinct().ToList();
        var endpoints = (await db.Set<WebhookEndpoint>().AsNoTracking()
                .Where(e => recipients.Contains(e.OwnerId) && e.Status == WebhookEndpointStatus.Active)
                .ToListAsync(cancellationToken))
            .ToLookup(e => e.OwnerId);
        foreach (var integratorEvent in ordered)
        {
            integratorEvent.Publish(++last);

            // No backfill: an endpoint gets the events created after it was registered.
            foreach (var endpoint in endpoints[integratorEvent.RecipientId].Where(e => e.CreatedAt <= integratorEvent.CreatedAt && e.Subscribes(integratorEvent.Type)))
            {
                db.Add(WebhookDelivery.Queue(endpoint.Id, integratorEvent.Id, integratorEvent.Type, last, now));
            }
        }

        await db.Set<IntegratorEventPositionCounter>().Where(c => c.Id == 1)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastPosition, last), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch.Count;
    }

    /// <summary>
    /// The order the events were written in (<paramref name="written"/> comes by <see cref="IntegratorEvent.Number"/>),
    /// with the events of one resource always by their sequence. Writing order already agrees with it (a
    /// resource's next change is written after its previous one committed); this keeps it so regardless.
    /// </summary>
    internal static List<IntegratorEvent> FeedOrder(IReadOnlyList<IntegratorEvent> written)
    {
        var result = new IntegratorEvent[written.Count];
        foreach (var resource in written.Select((e, slot) => (e, slot)).GroupBy(x => (x.e.ResourceType, x.e.ResourceId, x.e.RecipientId)))
        {
            var slots = resource.Select(x => x.slot).ToList();
            var events = resource.Select(x => x.e).OrderBy(e => e.ResourceSequence).ToList();
            for (var i = 0; i < slots.Count; i++)
            {
                result[slots[i]] = events[i];
            }
        }

        return [.. result];
    }

    private static async Task<long> LockCounterAsync(AppDbContext db, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await using DbCommand command = connection.CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = db.Database.IsSqlite() ? SqliteLock : SqlServerLock;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
