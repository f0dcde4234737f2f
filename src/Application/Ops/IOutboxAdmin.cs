namespace OpenTrain.Clean.Application.Ops;

/// <summary>The outbox as operators see it (implemented by the persistence layer).</summary>
public interface IOutboxAdmin
{
    Task<IReadOnlyList<OutboxMessageResponse>> ListAsync(OutboxMessageState status, int limit, CancellationToken cancellationToken);

    /// <summary>Puts a parked (or pending) message back in the queue, due now; false when there is no such message.</summary>
    Task<OutboxMessageResponse?> RetryAsync(Guid id, CancellationToken cancellationToken);
}
