using System.Data;
using System.Text.Json;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
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
        var perTransaction = Math.Max(1, options.Value.MessagesPerTransaction);
        var staged = new List<StagedMessage>(Math.Min(perTransaction, claimed.Count));
        var handled = 0;
        try
        {
            foreach (var message in claimed)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                switch (await RunHandlersAsync(message, staged, cancellationToken))
                {
                    case Outcome.Handled:
                        handled++;
                        break;
                    case Outcome.Staged when staged.Count >= perTransaction:
                        handled += await CommitStagedAsync(staged, cancellationToken);
                        staged.Clear();
                        break;
                }
            }
        }
        finally
        {
            // Also when stopping: what was handled (an e-mail already sent) is committed, not left to be delivered again.
            if (staged.Count > 0)
            {
                handled += await CommitStagedAsync(staged, CancellationToken.None);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
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

    /// <summary>SQLite: instants are UTC ticks (UtcTicksConverter), statuses their enum names.</summary>
    private const string SqliteClaim = $$"""
        UPDATE "OutboxMessages" SET "LockedBy" = $owner, "LockedUntil" = $until
        WHERE "Id" IN (
            SELECT "Id" FROM "OutboxMessages"
            WHERE "Status" = '{{nameof(OutboxStatus.Pending)}}' AND "NextAttemptAt" <= $now AND ("LockedUntil" IS NULL OR "LockedUntil" < $now)
            ORDER BY "NextAttemptAt"
            LIMIT $batch)
        RETURNING "Id", "Type", "Payload", "OccurredAt", "Status", "Attempts", "NextAttemptAt", "LockedBy", "LockedUntil", "LastError", "ProcessedAt";
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

        // One statement picks and leases the batch and returns it. The outer UPDATE finds its rows by primary key:
        // with the lease condition repeated there, SQLite's planner walked the (Status, NextAttemptAt) index over
        // every pending row for each batch, and read the leased rows back by the same walk, so draining a backlog of
        // n messages cost O(n) per batch. One statement under SQLite's single writer needs no second check: no other
        // writer runs between its subquery and its update. It runs in a transaction of its own so that, in a process
        // with the writer gate, it queues there with the other writers instead of sleeping in SQLite's busy handler.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.OutboxMessages.FromSqlRaw(
                SqliteClaim,
                new SqliteParameter("$batch", options.Value.BatchSize),
                new SqliteParameter("$now", now.UtcTicks),
                new SqliteParameter("$until", until.UtcTicks),
                new SqliteParameter("$owner", Owner))
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        await transaction.CommitAsync(CancellationToken.None);
        return [.. claimed.OrderBy(m => m.NextAttemptAt)];
    }

    private enum Outcome
    {
        Handled,
        Staged,
        Failed,
    }

    /// <summary>A message whose handlers ran and only added new rows: the rows wait for the batch's transaction.</summary>
    private sealed record StagedMessage(OutboxMessage Message, IReadOnlyList<object> Added);

    /// <summary>
    /// Runs the message's handlers in a scope of its own, outside any transaction (their reads and provider calls
    /// never hold the write lock). A failure stays with this message: its scope and everything it tracked are
    /// dropped and the failure is recorded. When <paramref name="staged"/> is given and the handlers only added
    /// new rows (a notification) or changed nothing (an e-mail sent), the message joins the batch's transaction;
    /// anything else (a changed aggregate, a handler that saved itself) commits alone, as before batching.
    /// </summary>
    private async Task<Outcome> RunHandlersAsync(OutboxMessage message, List<StagedMessage>? staged, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.OpenTrainTelemetry.StartOutboxMessage(message.Id, message.Type, message.Attempts + 1);
        var scope = scopes.CreateAsyncScope();
        AppDbContext? db = null;
        try
        {
            var services = scope.ServiceProvider;
            db = services.GetRequiredService<AppDbContext>();

            // Reads and saves of the handlers go to this context (as in a unit of work), not to the read connections.
            db.InUnitOfWork = true;
            await InvokeHandlersAsync(services, message, cancellationToken);
            db.InUnitOfWork = false;
            if (staged is not null && db.Database.CurrentTransaction is null && OnlyAdditions(db, out var added))
            {
                staged.Add(new StagedMessage(message, added));
                return Outcome.Staged;
            }

            await CommitAloneAsync(db, message, cancellationToken);
            return Outcome.Handled;
        }
        catch (OutboxLeaseLostException)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "lease lost");
            LogLeaseLost(message.Id);
            return Outcome.Failed;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            await ReleaseAsync(db);
            await RecordFailureAsync(message, exception, cancellationToken);
            return Outcome.Failed;
        }
        finally
        {
            await ReleaseAsync(db);
            await scope.DisposeAsync();
        }
    }

    /// <summary>Rolls back what a failed or finished scope still holds (the write lock first of all) and forgets its changes.</summary>
    private static async Task ReleaseAsync(AppDbContext? db)
    {
        if (db is null)
        {
            return;
        }

        db.InUnitOfWork = false;
        if (db.Database.CurrentTransaction is { } transaction)
        {
            await transaction.DisposeAsync();
        }

        db.ChangeTracker.Clear();
    }

    /// <summary>The new entities the handlers added (roots only), or false when they changed or deleted anything already stored.</summary>
    private static bool OnlyAdditions(AppDbContext db, out IReadOnlyList<object> added)
    {
        var roots = new List<object>();
        added = roots;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            switch (entry.State)
            {
                case EntityState.Unchanged when entry.Entity is IAggregateRoot { DomainEvents.Count: > 0 }:
                    return false;
                case EntityState.Unchanged or EntityState.Detached:
                    continue;
                case EntityState.Added when !entry.Metadata.IsOwned() && entry.Entity is not OutboxMessage:
                    roots.Add(entry.Entity);
                    continue;
                default:
                    // A modified or deleted row, an owned row (its owner may be stored already), an outbox row written by hand.
                    return false;
            }
        }

        return true;
    }

    /// <summary>The message's changes and its processed mark in one transaction of its own (the path of every message before batching).</summary>
    private async Task CommitAloneAsync(AppDbContext db, OutboxMessage message, CancellationToken cancellationToken)
    {
        // The transaction begins only now, after the handlers' reads and calls, so it holds the write lock briefly
        // (unless a handler saved by itself, which began it already).
        var transaction = db.Database.CurrentTransaction ?? await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (await MarkProcessedAsync(db, [message.Id], cancellationToken) == 0)
        {
            // Our lease ran out and another dispatcher took the message: undo our effects.
            throw new OutboxLeaseLostException(message.Id);
        }

        await transaction.CommitAsync(CancellationToken.None);
    }

    /// <summary>
    /// Commits the staged messages' new rows and their processed marks in one transaction. Only the messages whose
    /// lease is still ours take effect; the others were taken over and are left to their new owner. Each message's
    /// rows are saved by a save of their own, which EF Core wraps in a savepoint: a message whose rows fail (a
    /// constraint) is rolled back to that savepoint and rescheduled, and the others commit.
    /// </summary>
    private async Task<int> CommitStagedAsync(IReadOnlyList<StagedMessage> staged, CancellationToken cancellationToken)
    {
        var ids = staged.Select(s => s.Message.Id).ToList();
        var failed = new List<(OutboxMessage Message, Exception Error)>();
        List<Guid> done = [];
        List<Guid> ours;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                ours = await db.OutboxMessages
                    .Where(m => ids.Contains(m.Id) && m.LockedBy == Owner)
                    .Select(m => m.Id)
                    .ToListAsync(cancellationToken);
                foreach (var message in staged.Where(s => ours.Contains(s.Message.Id)))
                {
                    if (message.Added.Count > 0 && await SaveStagedAsync(db, message, cancellationToken) is { } error)
                    {
                        failed.Add((message.Message, error));
                        continue;
                    }

                    done.Add(message.Message.Id);
                }

                if (await MarkProcessedAsync(db, done, cancellationToken) != done.Count)
                {
                    throw new OutboxLeaseLostException(ids[0]);
                }

                await transaction.CommitAsync(CancellationToken.None);
            }
            catch (OutboxLeaseLostException)
            {
                // A lease ran out between our check and our mark: everything rolled back; each message is delivered again
                // once its lease is free.
                foreach (var id in ids)
                {
                    LogLeaseLost(id);
                }

                return 0;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The transaction itself failed (the mark, the commit): nothing of it was committed; every message of it
                // is rescheduled with its backoff, as a message whose own commit failed always was.
                LogBatchFailed(exception, staged.Count);
                failed.Clear();
                failed.AddRange(staged.Select(s => (s.Message, exception)));
                done.Clear();
                ours = ids;
            }
        }

        // After the commit, so that recording a failure never waits for the transaction above.
        foreach (var (message, error) in failed)
        {
            await RecordFailureAsync(message, error, cancellationToken);
        }

        foreach (var id in ids.Except(ours))
        {
            LogLeaseLost(id);
        }

        return done.Count;
    }

    /// <summary>Saves one staged message's rows inside the batch's transaction; returns the error that rolled them back, if any.</summary>
    private static async Task<Exception?> SaveStagedAsync(AppDbContext db, StagedMessage message, CancellationToken cancellationToken)
    {
        foreach (var entity in message.Added)
        {
            db.Add(entity);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // EF Core rolled the transaction back to the savepoint it took before this save; forget what the save
            // tracked (this message's rows and the outbox rows of their events). Earlier messages' rows are Unchanged.
            foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList())
            {
                entry.State = EntityState.Detached;
            }

            return exception;
        }
    }

    /// <summary>
    /// Marks the messages processed where the lease is still ours; returns how many rows it marked. A row leased by us
    /// is pending (every way out of pending clears the lease), so the lease alone is checked: with the status as well,
    /// SQLite's planner walked the status index over every pending row instead of looking the ids up.
    /// </summary>
    private Task<int> MarkProcessedAsync(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return Task.FromResult(0);
        }

        var now = clock.GetUtcNow();
        var single = ids.First();
        var query = ids.Count == 1
            ? db.OutboxMessages.Where(m => m.Id == single && m.LockedBy == Owner)
            : db.OutboxMessages.Where(m => ids.Contains(m.Id) && m.LockedBy == Owner);
        return query.ExecuteUpdateAsync(
            s => s.SetProperty(m => m.Status, OutboxStatus.Processed)
                .SetProperty(m => m.ProcessedAt, now)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.LockedBy, (string?)null)
                .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LastError, (string?)null),
            cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox: the transaction of {Count} handled messages failed; they are retried on their schedule")]
    private partial void LogBatchFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {MessageId}: could not record its failure")]
    private partial void LogRecordFailed(Exception exception, Guid messageId);
}

public sealed class OutboxLeaseLostException(Guid messageId) : Exception($"The lease on outbox message {messageId} was lost.");
