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

    public static readonly TimeSpan[] DefaultRetrySchedule =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    public static readonly string[] DefaultCountries = ["US", "CA", "GB", "IE", "DE", "FR", "ES", "IT", "NL", "PL", "PT", "AU", "NZ", "SG", "JP", "MX", "BR"];

    public TimeSpan RetryDelay(int failedAttempts) => Pick(RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule, failedAttempts);

    public IReadOnlyList<string> Countries => SupportedCountries.Count > 0 ? [.. SupportedCountries] : DefaultCountries;

    internal static TimeSpan Pick(IList<TimeSpan> schedule, int index) => schedule[Math.Clamp(index, 0, schedule.Count - 1)];
}

/// <summary>Configuration section <c>Funding</c>: how reconciliation follows fundings in flight.</summary>
public sealed class FundingOptions
{
    public const string SectionName = "Funding";

    /// <summary>Waits between checks of a funding still in flight; the last one repeats.</summary>
    public IList<TimeSpan> CheckSchedule { get; } = [];

    public static readonly TimeSpan[] DefaultCheckSchedule =
        [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)];

    public TimeSpan CheckDelay(int checks) => PayoutOptions.Pick(CheckSchedule.Count > 0 ? CheckSchedule : DefaultCheckSchedule, checks);
}
