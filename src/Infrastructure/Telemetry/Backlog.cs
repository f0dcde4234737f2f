using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.Telemetry;

/// <summary>Configuration section <c>Health</c>: when the background work is late enough to say so.</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>/health/ready is degraded when the oldest pending outbox message is older than this.</summary>
    public TimeSpan OutboxBacklogDegradedAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>/health/ready is degraded when a due payout has waited longer than this past its due time.</summary>
    public TimeSpan PayoutBacklogDegradedAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the backlog gauges are read from the database (only while telemetry is on).</summary>
    public TimeSpan BacklogSampleInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The background work waiting: outbox messages, and payouts by the reason they wait.</summary>
/// <param name="OldestOutboxMessageAge">How long the oldest pending outbox message has existed.</param>
/// <param name="OldestDuePayoutLateness">How long past its due time the most overdue payout is.</param>
public sealed record BacklogSnapshot(
    int PendingOutboxMessages,
    TimeSpan? OldestOutboxMessageAge,
    IReadOnlyDictionary<string, int> PendingPayoutsByReason,
    TimeSpan? OldestDuePayoutLateness)
{
    public static readonly BacklogSnapshot Empty = new(0, null, new Dictionary<string, int>(), null);
}

/// <summary>Reads the backlog: a few indexed queries (outbox by status and due time, milestones by status and next payout).</summary>
public sealed class BacklogProbe(AppDbContext db, TimeProvider clock)
{
    public async Task<BacklogSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var outbox = db.OutboxMessages.AsNoTracking().Where(m => m.Status == OutboxStatus.Pending);
        var pendingOutbox = await outbox.CountAsync(cancellationToken);
        var oldestOutbox = await outbox.OrderBy(m => m.OccurredAt).Select(m => (DateTimeOffset?)m.OccurredAt).FirstOrDefaultAsync(cancellationToken);

        var pendingPayouts = db.Set<Milestone>().AsNoTracking().Where(m => m.Status == MilestoneStatus.PayoutPending && m.Payout.Status == PayoutStatus.Pending);
        var byReason = await pendingPayouts.GroupBy(m => m.Payout.Reason).Select(g => new { Reason = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var oldestDue = await db.Set<Milestone>().AsNoTracking()
            .Where(MilestoneRules.PayoutDue.At(now))
            .OrderBy(m => m.NextPayoutAttemptAt)
            .Select(m => m.NextPayoutAttemptAt)
            .FirstOrDefaultAsync(cancellationToken);

        return new BacklogSnapshot(
            pendingOutbox,
            oldestOutbox is { } occurred ? now - occurred : null,
            Enum.GetValues<PayoutPendingReason>().Where(r => r != PayoutPendingReason.None).ToDictionary(
                OpenTrainTelemetry.OutcomeName,
                reason => byReason.Where(r => r.Reason == reason).Sum(r => r.Count)),
            oldestDue is { } due ? now - due : null);
    }
}

/// <summary>Part of /health/ready: degraded (still 200) when the outbox or the payouts fall behind the configured ages.</summary>
internal sealed class BacklogHealthCheck(BacklogProbe probe, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var backlog = await probe.ReadAsync(cancellationToken);
        var limits = options.Value;
        var data = new Dictionary<string, object>
        {
            ["outboxPending"] = backlog.PendingOutboxMessages,
            ["outboxOldestAgeSeconds"] = (int)(backlog.OldestOutboxMessageAge?.TotalSeconds ?? 0),
            ["payoutsPending"] = backlog.PendingPayoutsByReason.Values.Sum(),
            ["payoutOldestLatenessSeconds"] = (int)(backlog.OldestDuePayoutLateness?.TotalSeconds ?? 0),
        };
        var late = new List<string>();
        if (backlog.OldestOutboxMessageAge > limits.OutboxBacklogDegradedAfter)
        {
            late.Add($"the oldest pending outbox message is {backlog.OldestOutboxMessageAge:g} old (Health:OutboxBacklogDegradedAfter {limits.OutboxBacklogDegradedAfter:g})");
        }

        if (backlog.OldestDuePayoutLateness > limits.PayoutBacklogDegradedAfter)
        {
            late.Add($"a due payout has waited {backlog.OldestDuePayoutLateness:g} (Health:PayoutBacklogDegradedAfter {limits.PayoutBacklogDegradedAfter:g})");
        }

        return late.Count == 0
            ? HealthCheckResult.Healthy("The outbox and the payouts are keeping up.", data)
            : HealthCheckResult.Degraded("Background work is behind: " + string.Join("; ", late) + ". Are the workers running?", data: data);
    }
}

/// <summary>
/// Gauges of the backlog (outbox pending and the age of its oldest message, pending payouts by reason),
/// read from the database every <see cref="HealthOptions.BacklogSampleInterval"/>; registered only with telemetry on.
/// </summary>
internal sealed class BacklogGauges : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<HealthOptions> _options;
    private volatile BacklogSnapshot _latest = BacklogSnapshot.Empty;

    public BacklogGauges(IServiceScopeFactory scopes, IOptions<HealthOptions> options)
    {
        _scopes = scopes;
        _options = options;
        OpenTrainTelemetry.Meter.CreateObservableGauge("opentrain.outbox.backlog", () => _latest.PendingOutboxMessages, "{message}", "Outbox messages waiting to be handled.");
        OpenTrainTelemetry.Meter.CreateObservableGauge("opentrain.outbox.oldest_age", () => _latest.OldestOutboxMessageAge?.TotalSeconds ?? 0, "s", "Age of the oldest pending outbox message.");
        OpenTrainTelemetry.Meter.CreateObservableGauge(
            "opentrain.payouts.pending",
            () => _latest.PendingPayoutsByReason.Select(r => new System.Diagnostics.Metrics.Measurement<int>(r.Value, new KeyValuePair<string, object?>("reason", r.Key))),
            "{payout}",
            "Approved payouts not yet sent, by the reason they wait.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                _latest = await scope.ServiceProvider.GetRequiredService<BacklogProbe>().ReadAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The database is unavailable: the gauges keep their last reading; /health/ready reports it.
            }

            await Task.Delay(_options.Value.BacklogSampleInterval, stoppingToken);
        }
    }
}
