using Mediator;
using OpenTrain.Clean.Application.Common.Exceptions;

namespace OpenTrain.Clean.Application.Ops;

public enum OutboxMessageState
{
    Pending,
    Processed,
    Parked,
}

public sealed record OutboxMessageResponse(
    Guid Id,
    string Type,
    OutboxMessageState Status,
    int Attempts,
    DateTimeOffset OccurredAt,
    DateTimeOffset NextAttemptAt,
    string? LockedBy,
    DateTimeOffset? LockedUntil,
    string? LastError,
    DateTimeOffset? ProcessedAt,
    string Payload);

/// <summary>The outbox as operators see it (implemented by the persistence layer).</summary>
public interface IOutboxAdmin
{
    Task<IReadOnlyList<OutboxMessageResponse>> ListAsync(OutboxMessageState status, int limit, CancellationToken cancellationToken);

    /// <summary>Puts a parked (or pending) message back in the queue, due now; false when there is no such message.</summary>
    Task<OutboxMessageResponse?> RetryAsync(Guid id, CancellationToken cancellationToken);
}

public sealed record ListOutboxMessagesQuery(OutboxMessageState Status, int Limit = 100) : IQuery<IReadOnlyList<OutboxMessageResponse>>;

public sealed class ListOutboxMessagesHandler(IOutboxAdmin outbox) : IQueryHandler<ListOutboxMessagesQuery, IReadOnlyList<OutboxMessageResponse>>
{
    public async ValueTask<IReadOnlyList<OutboxMessageResponse>> Handle(ListOutboxMessagesQuery query, CancellationToken cancellationToken) =>
        await outbox.ListAsync(query.Status, Math.Clamp(query.Limit, 1, 500), cancellationToken);
}

public sealed record RetryOutboxMessageCommand(Guid Id) : ICommand<OutboxMessageResponse>;

public sealed class RetryOutboxMessageHandler(IOutboxAdmin outbox) : ICommandHandler<RetryOutboxMessageCommand, OutboxMessageResponse>
{
    public async ValueTask<OutboxMessageResponse> Handle(RetryOutboxMessageCommand command, CancellationToken cancellationToken) =>
        await outbox.RetryAsync(command.Id, cancellationToken) ?? throw new NotFoundException("Outbox message", command.Id);
}
