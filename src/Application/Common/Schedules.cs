namespace OpenTrain.Clean.Application.Common;

/// <summary>A schedule of waits (retries, checks): the n-th wait, the last one repeating.</summary>
internal static class Schedules
{
    public static TimeSpan Pick(IList<TimeSpan> schedule, int index) => schedule[Math.Clamp(index, 0, schedule.Count - 1)];
}
