using System.Data;
using System.Text.Json;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Infrastructure.Persistence.Outbox;

/// <summary>
/// Delivers outbox messages to their <see cref="IDomainEventHandler{TEvent}"/>s. Rows are claimed
/// with a lease (owner + expiry) by a conditional UPDATE, so any number of dispatchers in any number
/// of processes share one table without handling a row twice while its lease holds. Each message is
/// handled in its own scope and transaction, together with marking it processed (the mark checks the
/// lease is still ours); a failure only reschedules that message.
/// </summary>
public sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger)
{
    /// <summary>Identifies this dispatcher in <c>LockedBy</c>; unique per process and instance.</summary>
    public string Owner { get; } = Domain.Common.BoundedText.Fit($"{Guid.NewGuid():N}:{Environment.ProcessId}:{Environment.MachineName}", 200);

    /// <summary>Claims and handles one batch; returns how many messages were handled successfully.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(cancellationToken);
        var handled = 0;
        foreach (var message in claimed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await HandleAsync(message, cancellationToken))
            {
                handled++;
            }
        }

        return handled;
    }

    /// <summary>Dispatches until nothing is due (for tests and the drain at shutdown).</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken, int maxBatches = 1000)
    {
        var total = 0;
        for (var i = 0; i < maxBatches; i++)
        {
            var claimed = await DispatchBatchAsync(cancellationToken);
            total += claimed;
            if (claimed == 0 && !await AnyDueAsync(cancellationToken))
            {
                break;
            }
        }

        return total;
    }

    private async Task<bool> AnyDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        return await db.OutboxMessages.AnyAsync(
            m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now),
            cancellationToken);
    }

    /// <summary>
    /// SQL Server: UPDLOCK + READPAST + ROWLOCK, so that concurrent dispatchers skip the rows another is
    /// leasing instead of waiting for it, and OUTPUT returns the leased rows from the same statement.
    /// </summary>
    private const string SqlServerClaim = """
        WITH due AS (
            SELECT TOP (@batch) *
            FROM [OutboxMessages] WITH (UPDLOCK, READPAST, ROWLOCK)
            WHERE [Status] = N'Pending' AND [NextAttemptAt] <= @now AND ([LockedUntil] IS NULL OR [LockedUntil] < @now)
            ORDER BY [NextAttemptAt])
        UPDATE due SET [LockedBy] = @owner, [LockedUntil] = @until
        OUTPUT inserted.[Id], inserted.[Type], inserted.[Payload], inserted.[OccurredAt], inserted.[Status], inserted.[Attempts],
            inserted.[NextAttemptAt], inserted.[LockedBy], inserted.[LockedUntil], inserted.[LastError], inserted.[ProcessedAt];
        """;

    private async Task<List<OutboxMessage>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var until = now.Add(options.Value.Lease);
        if (db.Database.IsSqlServer())
        {
            var leased = await db.OutboxMessages.FromSqlRaw(
                    SqlServerClaim,
                    new SqlParameter("@batch", SqlDbType.Int) { Value = options.Value.BatchSize },
                    new SqlParameter("@now", SqlDbType.DateTimeOffset) { Value = now },
                    new SqlParameter("@until", SqlDbType.DateTimeOffset) { Value = until },
                    new SqlParameter("@owner", SqlDbType.NVarChar, 200) { Value = Owner })
                .AsNoTracking()
                .ToListAsync(cancellationToken);
            return [.. leased.OrderBy(m => m.NextAttemptAt)];
        }

        var due = db.OutboxMessages
            .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.NextAttemptAt)
            .Take(options.Value.BatchSize)
            .Select(m => m.Id);

        // One statement picks and leases the batch (UPDATE … WHERE Id IN (SELECT … LIMIT n)), and the lease
        // condition is checked again on each row it updates: of two dispatchers racing for a row, the second
        // finds it leased and skips it, and it takes the next due rows instead of coming back empty.
        var claimed = await db.OutboxMessages
            .Where(m => due.Contains(m.Id) && m.Status == OutboxStatus.Pending && (m.LockedUntil == null || m.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedBy, Owner).SetProperty(m => m.LockedUntil, until), cancellationToken);
        if (claimed == 0)
        {
            return [];
        }

        return await db.OutboxMessages.AsNoTracking()
            .Where(m => m.LockedBy == Owner && m.LockedUntil == until && m.Status == OutboxStatus.Pending)
            .OrderBy(m => m.NextAttemptAt)
            .ToListAsync(cancellationToken);
    }

    private async Task<bool> HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.OpenTrainTelemetry.StartOutboxMessage(message.Id, message.Type, message.Attempts + 1);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var db = services.GetRequiredService<AppDbContext>();
            await services.GetRequiredService<IUnitOfWork>().ExecuteAsync(
                async ct =>
                {
                    await InvokeHandlersAsync(services, message, ct);

                    // The mark and the handlers' changes commit together; the transaction begins only now, after
                    // the handlers' reads and calls, so it holds the write lock briefly.
                    if (db.Database.CurrentTransaction is null)
                    {
                        await db.Database.BeginTransactionAsync(ct);
                    }

                    var now = clock.GetUtcNow();
                    var marked = await db.OutboxMessages
                        .Where(m => m.Id == message.Id && m.LockedBy == Owner && m.Status == OutboxStatus.Pending)
                        .ExecuteUpdateAsync(
                            s => s.SetProperty(m => m.Status, OutboxStatus.Processed)
                                .SetProperty(m => m.ProcessedAt, now)
                                .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                                .SetProperty(m => m.LockedBy, (string?)null)
                                .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null)
                                .SetProperty(m => m.LastError, (string?)null),
                            ct);
                    if (marked == 0)
                    {
                        // Our lease ran out and another dispatcher took the message: undo our effects.
                        throw new OutboxLeaseLostException(message.Id);
                    }

                    return marked;
                },
                cancellationToken);
            return true;
        }
        catch (OutboxLeaseLostException)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "lease lost");
            LogLeaseLost(message.Id);
            return false;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            await RecordFailureAsync(message, exception, cancellationToken);
            return false;
        }
    }

    private static async Task InvokeHandlersAsync(IServiceProvider services, OutboxMessage message, CancellationToken cancellationToken)
    {
        var eventType = DomainEventTypes.Find(message.Type)
            ?? throw new InvalidOperationException($"Unknown event type '{message.Type}'.");
        var domainEvent = (IDomainEvent)(JsonSerializer.Deserialize(message.Payload, eventType, DomainEventsToOutboxInterceptor.PayloadOptions)
            ?? throw new InvalidOperationException($"Outbox message {message.Id} has an empty payload."));
        var handlerType = typeof(IDomainEventHandler<>).MakeGenericType(eventType);
        var context = new EventContext(message.Id, message.Attempts + 1);
        var handle = handlerType.GetMethod(nameof(IDomainEventHandler<IDomainEvent>.HandleAsync))!;
        foreach (var handler in services.GetServices(handlerType))
        {
            Task running;
            try
            {
                running = (Task)handle.Invoke(handler, [domainEvent, context, cancellationToken])!;
            }
            catch (System.Reflection.TargetInvocationException invocation) when (invocation.InnerException is not null)
            {
                // A handler that throws before its first await: report its own exception, not reflection's.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(invocation.InnerException).Throw();
                throw;
            }

            await running.ConfigureAwait(false);
        }
    }

    private async Task RecordFailureAsync(OutboxMessage message, Exception exception, CancellationToken cancellationToken)
    {
        var attempts = message.Attempts + 1;
        var park = attempts >= options.Value.MaxAttempts;
        var now = clock.GetUtcNow();
        var next = now.Add(options.Value.BackoffFor(attempts));
        var error = Truncate($"{exception.GetType().Name}: {(exception.InnerException ?? exception).Message}", 2000);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.OutboxMessages
                .Where(m => m.Id == message.Id && m.LockedBy == Owner)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.Attempts, attempts)
                        .SetProperty(m => m.Status, park ? OutboxStatus.Parked : OutboxStatus.Pending)
                        .SetProperty(m => m.NextAttemptAt, next)
                        .SetProperty(m => m.LastError, error)
                        .SetProperty(m => m.LockedBy, (string?)null)
                        .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null),
                    cancellationToken);
        }
        catch (Exception recordError) when (recordError is not OperationCanceledException)
        {
            // The lease will run out and the message will be tried again.
            LogRecordFailed(recordError, message.Id);
        }

        if (park)
        {
            LogParked(exception, message.Id, message.Type, attempts);
        }
        else
        {
            LogRetrying(message.Id, message.Type, attempts, next, error);
        }
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {MessageId}: lease lost to another dispatcher; its effects were rolled back")]
    private partial void LogLeaseLost(Guid messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {MessageId} ({Type}) parked after {Attempts} attempts")]
    private partial void LogParked(Exception exception, Guid messageId, string type, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {MessageId} ({Type}) failed attempt {Attempts}; next at {NextAttemptAt}: {Error}")]
    private partial void LogRetrying(Guid messageId, string type, int attempts, DateTimeOffset nextAttemptAt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {MessageId}: could not record its failure")]
    private partial void LogRecordFailed(Exception exception, Guid messageId);
}

public sealed class OutboxLeaseLostException(Guid messageId) : Exception($"The lease on outbox message {messageId} was lost.");
