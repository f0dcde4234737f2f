using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

public sealed record MilestoneCreated(MilestoneId MilestoneId, ContractId ContractId, Money Amount, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneUpdated(MilestoneId MilestoneId, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneFundingStarted(MilestoneId MilestoneId, int Attempt, Money Charged, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneFundingAwaitingAction(MilestoneId MilestoneId, int Attempt, string PaymentIntentId, string Reason, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneFunded(MilestoneId MilestoneId, ContractId ContractId, UserId TrainerId, string PaymentIntentId, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneFundingFailed(MilestoneId MilestoneId, UserId EmployerId, string Code, string Message, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneSubmitted(MilestoneId MilestoneId, UserId EmployerId, string? Note, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneChangesRequested(MilestoneId MilestoneId, UserId TrainerId, string Reason, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>The payout request: the worker transfers <see cref="Payout"/> to the trainer after this commits.</summary>
public sealed record MilestoneApproved(MilestoneId MilestoneId, UserId TrainerId, Money Payout, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestonePayoutDeferred(MilestoneId MilestoneId, UserId TrainerId, PayoutPendingReason Reason, DateTimeOffset? NextAttemptAt, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestonePayoutRetryRequested(MilestoneId MilestoneId, UserId TrainerId, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestonePayoutFailed(MilestoneId MilestoneId, string Error, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestonePaid(MilestoneId MilestoneId, UserId TrainerId, string TransferId, Money Payout, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneTransferReversed(MilestoneId MilestoneId, string TransferId, long AmountReversed, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneCancelled(MilestoneId MilestoneId, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneRefunded(MilestoneId MilestoneId, string RefundReference, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneDisputeOpened(MilestoneId MilestoneId, string DisputeId, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneDisputeClosed(MilestoneId MilestoneId, string DisputeId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A failed attempt's charge succeeded later and funded the milestone.</summary>
public sealed record MilestoneLatePaymentAccepted(MilestoneId MilestoneId, UserId EmployerId, int Attempt, string PaymentIntentId, Money Charged, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A succeeded charge that funds nothing: the worker refunds it (reason <c>duplicate</c>), once.</summary>
public sealed record MilestoneDuplicateChargeDetected(
    MilestoneId MilestoneId, UserId EmployerId, int Attempt, string PaymentIntentId, string? ChargeId, Money Charged, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record MilestoneDuplicateChargeRefunded(
    MilestoneId MilestoneId, UserId EmployerId, string PaymentIntentId, string? RefundId, Money Amount, DateTimeOffset OccurredAt) : IDomainEvent;
