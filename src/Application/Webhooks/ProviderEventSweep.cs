using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>
/// Reconciliation's second half (decision 010-late-charges): asks the provider for the events it recorded
/// since the last sweep, looks them all up in the inbox in one read, and applies the ones not recorded through the
/// webhook's own handling, each in its own transaction: one whose delivery was lost (a late success of a failed
/// funding attempt, a dispute, a refund) is applied now. An event already applied costs no transaction; one that a
/// webhook records at the same moment is found by the inbox's claim and changes nothing. One failure never stops the rest.
/// <para>
/// Each sweep reads a bounded number of events (the provider's rate limit: one request per page). The provider lists
/// newest first, so a read that stops at its cap leaves the OLDEST events of its window unread: the sweep keeps that
/// backlog (where the window began and the provider's cursor after the last event read) and the next sweeps read it,
/// one capped read each, until it is complete; only then does the cursor move on, to where the backlog's first read
/// would have put it, and the events after the window are read again from there (within the overlap). An event that could
/// not be applied keeps the cursor (or, within a backlog, the place the cursor resumes at) before it, so it is read and
/// tried again (the inbox skips what was applied) without holding the rest: no event is ever skipped, whatever the volume.
/// </para>
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

    /// <summary>Applies the events recorded since the cursor (or the next part of an unread backlog); returns how many changed something.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var position = cursor.Current;
        var backlog = position.Backlog;
        var since = backlog?.Since ?? position.Since ?? clock.GetUtcNow().Subtract(FirstLookBack);
        ProviderEventPage page;
        try
        {
            page = await payments.ListEventsAsync(since, backlog?.ContinueAfter, cancellationToken);
        }
        catch (PaymentProviderException exception)
        {
            LogListFailed(exception);
            return 0;
        }

        var (applied, firstFailure) = await ApplyAsync(page.Events, cancellationToken);
        if (backlog is not null)
        {
            // An event that could not be applied moves the place the cursor resumes at back before it: once the backlog is
            // read, the sweep reads it again from there (the inbox skips what was applied), and one failure never holds the rest.
            var resumeAt = firstFailure is { } failed ? Later(Earlier(backlog.ResumeAt, failed.Subtract(Overlap)), backlog.Since) : backlog.ResumeAt;
            if (page.Truncated && page.ContinueAfter is not null)
            {
                cursor.Move(position, position with { Backlog = backlog with { ContinueAfter = page.ContinueAfter, ResumeAt = resumeAt } });
                LogBacklog(backlog.Since, page.Events.Count);
            }
            else
            {
                cursor.Move(position, new ProviderEventPosition(resumeAt, null));
            }

            return applied;
        }

        var newest = page.Events.Count > 0 ? page.Events.Max(r => r.CreatedAt) : since.Add(Overlap);
        var next = Later((firstFailure ?? newest).Subtract(Overlap), since);
        if (page.Truncated && page.ContinueAfter is not null)
        {
            // The newest events were read; the older ones of [since, ...) wait in a backlog, and the cursor stays at since until it is read.
            cursor.Move(position, new ProviderEventPosition(since, new ProviderEventBacklog(since, page.ContinueAfter, next)));
            LogBacklog(since, page.Events.Count);
        }
        else
        {
            cursor.Move(position, new ProviderEventPosition(next, null));
        }

        return applied;
    }

    private async Task<(int Applied, DateTimeOffset? FirstFailure)> ApplyAsync(IReadOnlyList<RecordedProviderEvent> recorded, CancellationToken cancellationToken)
    {
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
                // Not recorded: the next sweep reads it again (the cursor, or the backlog, stays before it).
                firstFailure = firstFailure is { } earlier && earlier <= record.CreatedAt ? earlier : record.CreatedAt;
                LogFailed(exception, record.Event.EventId, record.Event.Type);
            }
        }

        return (applied, firstFailure);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation read {Count} provider events of a backlog from {Since}; the next sweep reads on where this one stopped")]
    private partial void LogBacklog(DateTimeOffset since, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation applied provider event {EventId} ({Type}) whose webhook had not arrived")]
    private partial void LogApplied(string eventId, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation could not apply provider event {EventId} ({Type}); it is tried again on the next sweep")]
    private partial void LogFailed(Exception exception, string eventId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation could not list the provider's events this round")]
    private partial void LogListFailed(Exception exception);
}

/// <summary>
/// Where this process's event sweep goes on from (kept in memory: after a restart the first sweep looks back a few days; the
/// inbox makes the repeat harmless): the time the next read begins at, and the backlog still to read, if any.
/// </summary>
public sealed class ProviderEventCursor
{
    private readonly Lock _gate = new();
    private ProviderEventPosition _position = new(null, null);

    /// <summary>Where the next read begins (null before the first sweep of the process).</summary>
    public DateTimeOffset? Since => Current.Since;

    /// <summary>The older events of a capped read's window, still to read before the cursor may move past them.</summary>
    public ProviderEventBacklog? Backlog => Current.Backlog;

    public ProviderEventPosition Current
    {
        get
        {
            lock (_gate)
            {
                return _position;
            }
        }
    }

    /// <summary>
    /// Moves from <paramref name="from"/> (what the sweep read) to <paramref name="to"/>; a sweep that ran at the same time
    /// and moved it already wins (sweeps of one process do not overlap; this keeps a stray one from moving it backwards).
    /// </summary>
    public void Move(ProviderEventPosition from, ProviderEventPosition to)
    {
        lock (_gate)
        {
            if (_position == from)
            {
                _position = to;
            }
        }
    }
}

/// <summary>The event sweep's place: the next read begins at <see cref="Since"/>, unless a <see cref="Backlog"/> is still to read.</summary>
public sealed record ProviderEventPosition(DateTimeOffset? Since, ProviderEventBacklog? Backlog);

/// <summary>
/// The unread older part of a capped read: the events from <see cref="Since"/> listed after <see cref="ContinueAfter"/>
/// (the provider's cursor). When it is read, the sweep goes on from <see cref="ResumeAt"/>.
/// </summary>
public sealed record ProviderEventBacklog(DateTimeOffset Since, string ContinueAfter, DateTimeOffset ResumeAt);
