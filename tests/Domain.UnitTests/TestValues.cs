using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.UnitTests;

/// <summary>Fixed instants: the domain takes time as a parameter, so tests never read the clock.</summary>
internal static class Moments
{
    public static DateTimeOffset Now { get; } = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>When the action under test happens, after everything the arrangement did.</summary>
    public static DateTimeOffset Later { get; } = new(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);
}

internal static class Parties
{
    public static UserId Employer { get; } = new(new Guid("00000000-0000-0000-0000-00000000e001"));

    public static UserId OtherEmployer { get; } = new(new Guid("00000000-0000-0000-0000-00000000e002"));

    public static UserId Trainer { get; } = new(new Guid("00000000-0000-0000-0000-00000000f001"));

    public static UserId OtherTrainer { get; } = new(new Guid("00000000-0000-0000-0000-00000000f002"));
}
