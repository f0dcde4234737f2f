using Mediator;

namespace OpenTrain.Clean.Application.Ops;

/// <summary>Outbox messages by status, for operators: parked ones failed every attempt.</summary>
public sealed record ListOutboxMessagesQuery(OutboxMessageState Status, int Limit = 100) : IQuery<IReadOnlyList<OutboxMessageResponse>>;

public sealed class ListOutboxMessagesHandler(IOutboxAdmin outbox) : IQueryHandler<ListOutboxMessagesQuery, IReadOnlyList<OutboxMessageResponse>>
{
    public async ValueTask<IReadOnlyList<OutboxMessageResponse>> Handle(ListOutboxMessagesQuery query, CancellationToken cancellationToken) =>
        await outbox.ListAsync(query.Status, Math.Clamp(query.Limit, 1, 500), cancellationToken);
}
