using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// One try at charging the employer for a milestone. The provider call's idempotency key is derived
/// from the milestone and the attempt number, so repeating it after a crash can only ever find the
/// same charge, never make a second one.
/// </summary>
public sealed record FundingAttempt(MilestoneId MilestoneId, int Number, Money Amount);

/// <summary>The provider's decline of a funding attempt, kept on the milestone.</summary>
public sealed record FundingError(string Code, string Message);
