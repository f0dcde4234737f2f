using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// Money going back to the employer: support's refund (claimed, then made) and a chargeback, where the
/// card network decides where the money goes while the dispute is open. A value: each change makes a new one.
/// </summary>
public sealed record RefundFacts
{
    /// <summary>Set while support's refund is with the provider: the money may not go the other way meanwhile.</summary>
    public DateTimeOffset? RequestedAt { get; init; }

    public DateTimeOffset? RefundedAt { get; init; }

    public string? Reference { get; init; }

    /// <summary>The open dispute on the funding charge, if any.</summary>
    public string? DisputeId { get; init; }

    internal RefundFacts Requested(MilestoneId milestone, DateTimeOffset now) => RequestedAt is null
        ? this with { RequestedAt = now }
        : throw new DomainException(MilestoneErrors.RefundPending, $"A refund of milestone {milestone} is already under way.");

    internal RefundFacts Abandoned(MilestoneId milestone) => RequestedAt is not null
        ? this with { RequestedAt = null }
        : throw new DomainException(MilestoneErrors.NotRefundable, $"No refund of milestone {milestone} is under way.");

    internal RefundFacts Refunded(string reference, DateTimeOffset now) => this with { RequestedAt = null, Reference = reference, RefundedAt = now };

    internal RefundFacts DisputeClosed(MilestoneId milestone) => DisputeId is not null
        ? this with { DisputeId = null }
        : throw new DomainException(MilestoneErrors.NotDisputed, $"Milestone {milestone} has no open dispute.");
}
