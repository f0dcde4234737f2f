using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// One try at charging the employer for a milestone. The provider call's idempotency key is derived
/// from the milestone and the attempt number, so repeating it after a crash can only ever find the
/// same charge, never make a second one.
/// </summary>
public sealed record FundingAttempt(MilestoneId MilestoneId, int Number, Money Amount);

/// <summary>The provider's decline of a funding attempt, kept on the milestone.</summary>
/// <summary>The provider's decline, as its code and message; both cut to fit where they are kept.</summary>
public sealed record FundingError(string Code, string Message)
{
    public const int MaxCodeLength = 100;
    public const int MaxMessageLength = 1000;

    public string Code { get; init; } = BoundedText.Fit(Code, MaxCodeLength);

    public string Message { get; init; } = BoundedText.Fit(Message, MaxMessageLength);
}
