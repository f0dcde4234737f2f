namespace OpenTrain.Clean.Infrastructure.Persistence.Outbox;

/// <summary>Configuration section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>Rows one dispatcher claims at a time.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Handled messages committed together: the new rows of up to this many messages (notifications) and their
    /// processed marks share one transaction. A message that changes stored rows, or fails, still commits (or
    /// fails) alone. 1 gives one transaction per message.
    /// </summary>
    public int MessagesPerTransaction { get; set; } = 50;

    /// <summary>
    /// Batches one run of the outbox job dispatches at most before it waits for its next turn
    /// (<c>Worker:OutboxInterval</c>); a run ends sooner when nothing is due.
    /// </summary>
    public int MaxBatchesPerRun { get; set; } = 100;

    /// <summary>How long a claim holds; a dispatcher that dies mid-batch releases its rows when it ends.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>After this many failed attempts a message is parked for an operator.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>First retry delay; doubles per attempt (with jitter) up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Exponential backoff with full jitter in [delay/2, delay].</summary>
    public TimeSpan BackoffFor(int attempts)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 20);
        var delay = Math.Min(BaseBackoff.TotalMilliseconds * Math.Pow(2, exponent), MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay / 2 + (Random.Shared.NextDouble() * delay / 2));
    }
}
