namespace OpenTrain.Clean.Application.Common;

/// <summary>Configuration section <c>Funding</c>: how reconciliation follows fundings in flight.</summary>
public sealed class FundingOptions
{
    public const string SectionName = "Funding";

    /// <summary>Waits between checks of a funding still in flight; the last one repeats.</summary>
    public IList<TimeSpan> CheckSchedule { get; } = [];

    public static readonly TimeSpan[] DefaultCheckSchedule =
        [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)];

    /// <summary>
    /// Checks after which an attempt that never got a PaymentIntent (Stripe kept answering its own request with a
    /// 500, which it replays under the same key) is failed with a visible error, so the employer can fund again.
    /// A charge of that attempt that turns up later is a late charge (decision 010).
    /// </summary>
    public int UnknownChecksBeforeGivingUp { get; set; } = 8;

    public TimeSpan CheckDelay(int checks) => Schedules.Pick(CheckSchedule.Count > 0 ? CheckSchedule : DefaultCheckSchedule, checks);
}
