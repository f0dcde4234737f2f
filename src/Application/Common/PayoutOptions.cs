namespace OpenTrain.Clean.Application.Common;

/// <summary>Configuration section <c>Payouts</c>.</summary>
public sealed class PayoutOptions
{
    public const string SectionName = "Payouts";

    /// <summary>Countries where trainers can set up payouts (ISO 3166-1 alpha-2).</summary>
    public IList<string> SupportedCountries { get; } = [];

    /// <summary>
    /// Waits between retryable payout attempts; the last one repeats. Default 1 min, 5 min, 30 min, 2 h, then every 6 h.
    /// </summary>
    public IList<TimeSpan> RetrySchedule { get; } = [];

    /// <summary>How long a worker holds a payout it is sending before another may take it.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Due payouts one claim leases (one statement); a lane claims again while its claims come back full. A batch is
    /// checked in one transaction and recorded in one (its invoice numbers in one statement), so larger batches cost less
    /// per payout, up to the point where the one record transaction's size dominates (bench on the simulator, one worker:
    /// 10 x 4 lanes 139 payouts/s per worker core, 50 x 4 211, 100 x 2 165, 200 x 2 126). A crash loses at most a batch's
    /// records, never a transfer: the batch falls due again when its lease ends.
    /// </summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>Claim lanes per worker process, each leasing and paying its own batches at the same time.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>Batches one lane takes in one run of the payout job (Worker:PayoutInterval) before it yields.</summary>
    public int MaxBatchesPerRun { get; set; } = 20;

    /// <summary>
    /// After the provider's rate limit (429) without a Retry-After, how long every lane of the process holds its next transfer.
    /// </summary>
    public TimeSpan RateLimitPause { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest pause a lane waits out in the middle of its batch; a longer one (a Retry-After) stops the batch's sending:
    /// the rest stays leased and falls due when its lease ends, and no claim is made while the pause lasts.
    /// </summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan[] DefaultRetrySchedule =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    public static readonly string[] DefaultCountries = ["US", "CA", "GB", "IE", "DE", "FR", "ES", "IT", "NL", "PL", "PT", "AU", "NZ", "SG", "JP", "MX", "BR"];

    public TimeSpan RetryDelay(int failedAttempts) => Schedules.Pick(RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule, failedAttempts);

    public IReadOnlyList<string> Countries => SupportedCountries.Count > 0 ? [.. SupportedCountries] : DefaultCountries;
}
