using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Domain.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegratorEvents;

/// <summary>
/// Sends due webhook deliveries. A worker takes an endpoint, not a delivery: it leases the endpoint
/// (a conditional UPDATE, like the outbox's claims) and sends that endpoint's due deliveries one at a
/// time in feed order, renewing the lease before each attempt. So no delivery is ever sent twice at
/// once and first attempts reach an endpoint in feed order, with any number of workers. Each worker
/// delivers to at most <see cref="IntegratorEventOptions.MaxConcurrentEndpoints"/> endpoints at once,
/// each in its own task: a slow endpoint holds its own slot and nobody else's.
/// </summary>
public sealed partial class WebhookDeliveryDispatcher(
    IServiceScopeFactory scopes,
    WebhookSender sender,
    IOptions<IntegratorEventOptions> options,
    TimeProvider clock,
    ILogger<WebhookDeliveryDispatcher> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, Task> _running = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Identifies this worker in the endpoints' lease; unique per process and instance.</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>Claims endpoints with due deliveries for the free slots and starts delivering to them (not awaited).</summary>
    /// <returns>How many endpoints it took.</returns>
    public async Task<int> StartDueAsync(CancellationToken cancellationToken)
    {
        var free = options.Value.MaxConcurrentEndpoints - _running.Count;
        if (free <= 0 || _stopping.IsCancellationRequested)
        {
            return 0;
        }

        var claimed = await ClaimAsync(free, cancellationToken);
        foreach (var endpointId in claimed)
        {
            var run = Guid.NewGuid();
            var task = Task.Run(() => DeliverToAsync(endpointId, _stopping.Token), CancellationToken.None);
            _running[run] = task;
            _ = task.ContinueWith(_ => _running.TryRemove(run, out var _), TaskScheduler.Default);
        }

        return claimed.Count;
    }

    /// <summary>Completes when every endpoint this worker took is done.</summary>
    public Task WhenIdleAsync() => Task.WhenAll(_running.Values);

    /// <summary>Delivers until nothing is due (tests, and the drain at shutdown).</summary>
    public async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        for (var round = 0; round < 1000; round++)
        {
            var started = await StartDueAsync(cancellationToken);
            await WhenIdleAsync();
            if (started == 0)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await WhenIdleAsync();
        }
        catch (OperationCanceledException)
        {
            // Stopping: leases run out and other workers take over.
        }

        _stopping.Dispose();
    }

    private async Task<List<WebhookEndpointId>> ClaimAsync(int count, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var until = now.Add(options.Value.EndpointLease);
        var deliveries = db.Set<WebhookDelivery>();

        // Free endpoints with a due delivery, the longest unserved first (a released lease keeps its time).
        var due = db.Set<WebhookEndpoint>()
            .Where(e => e.Status == WebhookEndpointStatus.Active
                && (EF.Property<DateTimeOffset?>(e, WebhookEndpointConfiguration.LeasedUntil) == null || EF.Property<DateTimeOffset?>(e, WebhookEndpointConfiguration.LeasedUntil) <= now)
                && deliveries.Any(d => d.EndpointId == e.Id && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now))
            .OrderBy(e => EF.Property<DateTimeOffset?>(e, WebhookEndpointConfiguration.LeasedUntil))
            .Take(count)
            .Select(e => e.Id);

        // Nothing due (the common case) is found by a read: no write statement, no turn on the write lock.
        if (!await due.AnyAsync(cancellationToken))
        {
            return [];
        }

        // The lease condition is checked again on each row the UPDATE changes: of two workers racing for an
        // endpoint, the second finds it leased and leaves it. In a transaction of its own, so that in a process with
        // the SQLite writer gate it queues there instead of sleeping in SQLite's busy handler.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.Set<WebhookEndpoint>()
            .Where(e => due.Contains(e.Id)
                && (EF.Property<DateTimeOffset?>(e, WebhookEndpointConfiguration.LeasedUntil) == null || EF.Property<DateTimeOffset?>(e, WebhookEndpointConfiguration.LeasedUntil) <= now))
            .ExecuteUpdateAsync(
                s => s.SetProperty(e => EF.Property<string?>(e, WebhookEndpointConfiguration.LeasedBy), Owner)
                    .SetProperty(e => EF.Property<DateTimeOffset?>(e, WebhookEndpointConfiguration.LeasedUntil), until),
                cancellationToken);
        if (claimed == 0)
        {
            return [];
        }

        var ours = await db.Set<WebhookEndpoint>().AsNoTracking()
            .Where(e => EF.Property<string?>(e, WebhookEndpointConfiguration.LeasedBy) == Owner
                && EF.Property<DateTimeOffset?>(e, WebhookEndpointConfiguration.LeasedUntil) == until)
            .Select(e => e.Id)
            .ToListAsync(cancellationToken);
        await transaction.CommitAsync(CancellationToken.None);
        return ours;
    }

    private async Task DeliverToAsync(WebhookEndpointId endpointId, CancellationToken cancellationToken)
    {
        try
        {
            for (var sent = 0; sent < options.Value.DeliveriesPerClaim; sent++)
            {
                // Renewed before each attempt, and an attempt is shorter than the lease: while we send, the endpoint is ours.
                if (!await RenewLeaseAsync(endpointId, cancellationToken) || await NextAsync(endpointId, cancellationToken) is not { } next)
                {
                    return;
                }

                var outcome = await sender.SendAsync(next.Message, cancellationToken);
                await RecordAsync(endpointId, next.DeliveryId, outcome, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogEndpointFailed(exception, endpointId.Value);
        }
        finally
        {
            await ReleaseLeaseAsync(endpointId);
        }
    }

    private sealed record NextDelivery(WebhookDeliveryId DeliveryId, WebhookMessage Message);

    private async Task<NextDelivery?> NextAsync(WebhookEndpointId endpointId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var endpoint = await db.Set<WebhookEndpoint>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == endpointId, cancellationToken);
        if (endpoint is null || endpoint.Status != WebhookEndpointStatus.Active)
        {
            return null;
        }

        var next = await db.Set<WebhookDelivery>().AsNoTracking()
            .Where(d => d.EndpointId == endpointId && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.EventPosition)
            .Select(d => new { d.Id, d.EventId, d.EventType })
            .FirstOrDefaultAsync(cancellationToken);
        if (next is null)
        {
            return null;
        }

        var body = await db.Set<IntegratorEvent>().AsNoTracking().Where(e => e.Id == next.EventId).Select(e => e.Body).FirstOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Event {next.EventId} of delivery {next.Id} is gone.");
        return new NextDelivery(next.Id, new WebhookMessage(endpoint.Url, next.Id.Value, next.EventType, body, endpoint.SigningSecrets(now)));
    }

    /// <summary>
    /// The attempt's outcome on the delivery and the endpoint's failure count, in one transaction. The
    /// endpoint's tenth failed delivery in a row disables it, and its pending deliveries fail with it.
    /// A concurrent change (the owner's PATCH, a redelivery) makes us read again and record on that.
    /// </summary>
    private async Task RecordAsync(WebhookEndpointId endpointId, WebhookDeliveryId deliveryId, WebhookAttemptOutcome outcome, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().ExecuteAsync(
                    async ct =>
                    {
                        var delivery = await db.Set<WebhookDelivery>().FirstOrDefaultAsync(d => d.Id == deliveryId, ct);
                        var endpoint = await db.Set<WebhookEndpoint>().FirstOrDefaultAsync(e => e.Id == endpointId, ct);
                        if (delivery is null || endpoint is null || delivery.Status != WebhookDeliveryStatus.Pending)
                        {
                            // Deleted with its endpoint, or failed by a disable meanwhile.
                            return 0;
                        }

                        var now = clock.GetUtcNow();
                        if (outcome.Delivered)
                        {
                            delivery.RecordSuccess(outcome.Status ?? 200, outcome.LatencyMs, now);
                            endpoint.RecordDeliverySucceeded(now);
                            return 1;
                        }

                        if (delivery.RecordFailure(outcome.Status, outcome.LatencyMs, outcome.Error ?? "Failed.", now) && endpoint.RecordDeliveryFailed(now))
                        {
                            var pending = await db.Set<WebhookDelivery>()
                                .Where(d => d.EndpointId == endpointId && d.Status == WebhookDeliveryStatus.Pending && d.Id != deliveryId)
                                .ToListAsync(ct);
                            pending.ForEach(d => d.FailBecauseEndpointDisabled());
                            LogEndpointDisabled(endpointId.Value, WebhookEndpoint.FailedDeliveriesBeforeDisable);
                        }

                        return 1;
                    },
                    cancellationToken);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < 3)
            {
                LogRecordConflict(deliveryId.Value, attempt);
            }
        }
    }

    private async Task<bool> RenewLeaseAsync(WebhookEndpointId endpointId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var until = clock.GetUtcNow().Add(options.Value.EndpointLease);
        return await db.Set<WebhookEndpoint>()
            .Where(e => e.Id == endpointId && EF.Property<string?>(e, WebhookEndpointConfiguration.LeasedBy) == Owner)
            .ExecuteUpdateAsync(s => s.SetProperty(e => EF.Property<DateTimeOffset?>(e, WebhookEndpointConfiguration.LeasedUntil), until), cancellationToken) == 1;
    }

    private async Task ReleaseLeaseAsync(WebhookEndpointId endpointId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = clock.GetUtcNow();
            await db.Set<WebhookEndpoint>()
                .Where(e => e.Id == endpointId && EF.Property<string?>(e, WebhookEndpointConfiguration.LeasedBy) == Owner)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(e => EF.Property<string?>(e, WebhookEndpointConfiguration.LeasedBy), (string?)null)
                        .SetProperty(e => EF.Property<DateTimeOffset?>(e, WebhookEndpointConfiguration.LeasedUntil), now),
                    CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The lease runs out by itself.
            LogReleaseFailed(exception, endpointId.Value);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook endpoint {EndpointId}: delivering failed; its lease runs out and it is tried again")]
    private partial void LogEndpointFailed(Exception exception, Guid endpointId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook endpoint {EndpointId} disabled after {Failures} failed deliveries in a row")]
    private partial void LogEndpointDisabled(Guid endpointId, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId}: a concurrent change; recording again (attempt {Attempt})")]
    private partial void LogRecordConflict(Guid deliveryId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook endpoint {EndpointId}: could not release its lease")]
    private partial void LogReleaseFailed(Exception exception, Guid endpointId);
}
