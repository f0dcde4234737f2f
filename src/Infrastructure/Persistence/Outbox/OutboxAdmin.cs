using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Ops;

namespace OpenTrain.Clean.Infrastructure.Persistence.Outbox;

internal sealed class OutboxAdmin(AppDbContext db, TimeProvider clock) : IOutboxAdmin
{
    public async Task<IReadOnlyList<OutboxMessageResponse>> ListAsync(OutboxMessageState status, int limit, CancellationToken cancellationToken)
    {
        var wanted = (OutboxStatus)status;
        var rows = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Status == wanted)
            .OrderBy(m => m.NextAttemptAt)
            .Take(limit)
            .ToListAsync(cancellationToken);
        return rows.Select(ToResponse).ToList();
    }

    public async Task<OutboxMessageResponse?> RetryAsync(Guid id, CancellationToken cancellationToken)
    {
        var message = await db.OutboxMessages.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (message is null || message.Status == OutboxStatus.Processed)
        {
            return message is null ? null : ToResponse(message);
        }

        message.Status = OutboxStatus.Pending;
        message.NextAttemptAt = clock.GetUtcNow();
        message.LockedBy = null;
        message.LockedUntil = null;
        return ToResponse(message);
    }

    private static OutboxMessageResponse ToResponse(OutboxMessage m) => new(
        m.Id, m.Type, (OutboxMessageState)m.Status, m.Attempts, m.OccurredAt, m.NextAttemptAt, m.LockedBy, m.LockedUntil, m.LastError, m.ProcessedAt, m.Payload);
}
