using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>
/// Reconciliation's second half (decision 010-late-charges): asks the provider for the events it recorded
/// since the last sweep, looks them all up in the inbox in one read, and applies the ones not recorded through the
/// webhook's own handling, each in its own transaction: one whose delivery was lost (a late success of a failed
/// funding attempt, a dispute, a refund) is applied now. An event already applied costs no transaction; one that a
/// webhook records at the same moment is found by the inbox's claim and changes nothing. One failure never stops the rest.
/// </summary>
public sealed partial class ProviderEventSweep(
    IPaymentGateway payments,
    IUnitOfWork unitOfWork,
    IWebhookInbox inbox,
    ApplyProviderEventHandler events,
    ProviderEventCursor cursor,
    TimeProvider clock,
    ILogger<ProviderEventSweep> logger)
{
    /// <summary>How far back the first sweep of a process looks (the provider keeps events for 30 days).</summary>
    public static readonly TimeSpan FirstLookBack = TimeSpan.FromDays(3);

    /// <summary>Events show in the provider's list a little after they happen: each sweep looks this far behind the newest it saw.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    /// <summary>Applies the events recorded since the cursor; returns how many changed something.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var since = cursor.Since ?? clock.GetUtcNow().Subtract(FirstLookBack);
        IReadOnlyList<RecordedProviderEvent> recorded;
        try
        {
            recorded = await payments.ListEventsAsync(since, cancellationToken);
        }
        catch (PaymentProviderException exception)
        {
            LogListFailed(exception);
            return 0;
        }

        var recordedIds = await inbox.FindRecordedAsync([.. recorded.Select(r => r.Event.EventId)], cancellationToken);
        var applied = 0;
        DateTimeOffset? firstFailure = null;
        foreach (var record in recorded.Where(r => !recordedIds.Contains(r.Event.EventId)))
        {
            try
            {
                var outcome = await unitOfWork.ExecuteAsync(
                    async ct => await events.Handle(new ApplyProviderEventCommand(record.Event), ct),
                    cancellationToken);
                if (outcome == WebhookOutcome.Applied)
                {
                    applied++;
                    LogApplied(record.Event.EventId, record.Event.Type);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Not recorded: the next sweep tries it again (the cursor stays before it).
                firstFailure ??= record.CreatedAt;
                LogFailed(exception, record.Event.EventId, record.Event.Type);
            }
        }

        var newest = recorded.Count > 0 ? recorded.Max(r => r.CreatedAt) : since.Add(Overlap);
        cursor.Advance((firstFailure ?? newest).Subtract(Overlap), since);
        return applied;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation applied provider event {EventId} ({Type}) whose webhook had not arrived")]
    private partial void LogApplied(string eventId, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation could not apply provider event {EventId} ({Type}); it is tried again on the next sweep")]
    private partial void LogFailed(Exception exception, string eventId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation could not list the provider's events this round")]
    private partial void LogListFailed(Exception exception);
}

/// <summary>Where this process's event sweep goes on from (kept in memory: after a restart the first sweep looks back a few days; the inbox makes the repeat harmless).</summary>
public sealed class ProviderEventCursor
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _since;

    public DateTimeOffset? Since
    {
        get
        {
            lock (_gate)
            {
                return _since;
            }
        }
    }

    /// <summary>Moves on to <paramref name="next"/>, never behind where the sweep that read from <paramref name="readFrom"/> began.</summary>
    public void Advance(DateTimeOffset next, DateTimeOffset readFrom)
    {
        lock (_gate)
        {
            _since = next > readFrom ? next : readFrom;
        }
    }
}
