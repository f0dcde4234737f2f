using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.TestSupport;

/// <summary>The same employers and trainers in every test project, so ids in a failure message are recognisable.</summary>
public static class Parties
{
    public static UserId Employer { get; } = new(new Guid("00000000-0000-0000-0000-00000000e001"));

    public static UserId OtherEmployer { get; } = new(new Guid("00000000-0000-0000-0000-00000000e002"));

    public static UserId Trainer { get; } = new(new Guid("00000000-0000-0000-0000-00000000f001"));

    public static UserId OtherTrainer { get; } = new(new Guid("00000000-0000-0000-0000-00000000f002"));
}
