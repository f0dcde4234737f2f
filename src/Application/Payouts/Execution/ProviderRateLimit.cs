namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>
/// The provider's rate limit as this process last met it: when a transfer comes back 429, every payout lane of the
/// process holds its next transfer until the pause ends (the provider's Retry-After, else <see cref="Common.PayoutOptions.RateLimitPause"/>).
/// The end is on the application's clock, as the payouts' own next attempts are.
/// </summary>
public sealed class ProviderRateLimit
{
    private long _pausedUntilTicks;

    /// <summary>When the provider may be called again (the past when it may be now).</summary>
    public DateTimeOffset PausedUntil => new(Interlocked.Read(ref _pausedUntilTicks), TimeSpan.Zero);

    /// <summary>Extends the pause to <paramref name="until"/>; a shorter one never cuts a longer one short.</summary>
    public void PauseUntil(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        var current = Interlocked.Read(ref _pausedUntilTicks);
        while (ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref _pausedUntilTicks, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
