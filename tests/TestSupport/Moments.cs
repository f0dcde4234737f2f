namespace OpenTrain.Clean.TestSupport;

/// <summary>Fixed instants: the domain takes time as a parameter and handlers read a fake clock set to one of these.</summary>
public static class Moments
{
    public static DateTimeOffset Now { get; } = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>When the action under test happens, after everything the arrangement did.</summary>
    public static DateTimeOffset Later { get; } = new(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);
}
