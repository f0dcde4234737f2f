using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Milestones;

/// <summary>Everything a refused move must leave untouched, comparable by value.</summary>
internal sealed record MilestoneSnapshot(
    MilestoneStatus Status,
    int TimelineCount,
    int DomainEventCount,
    int FundingAttempts,
    int PayoutAttempts,
    PayoutStatus PayoutStatus,
    PayoutPendingReason PayoutReason,
    string Title,
    string Description,
    Money Amount,
    Money MarketplaceFee,
    Money ContractInitiationFee,
    string? PaymentIntentId,
    string? ChargeId,
    string? FundingClientSecret,
    FundingError? LastFundingError,
    DateTimeOffset? FundedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? ApprovedAt,
    DateTimeOffset? NextPayoutAttemptAt,
    string? PayoutLastError,
    string? TransferId,
    DateTimeOffset? PaidAt,
    DateTimeOffset? CancelledAt,
    DateTimeOffset? RefundedAt,
    string? DisputeId)
{
    public static MilestoneSnapshot Of(Milestone m) => new(
        m.Status,
        m.Timeline.Count,
        m.DomainEvents.Count,
        m.Funding.Attempts,
        m.Payout.Attempts,
        m.Payout.Status,
        m.Payout.Reason,
        m.Title,
        m.Description,
        m.Amount,
        m.MarketplaceFee,
        m.ContractInitiationFee,
        m.Funding.PaymentIntentId,
        m.Funding.ChargeId,
        m.Funding.ClientSecret,
        m.Funding.LastError,
        m.Funding.FundedAt,
        m.Review.SubmittedAt,
        m.Review.ApprovedAt,
        m.NextPayoutAttemptAt,
        m.Payout.LastError,
        m.Payout.TransferId,
        m.Payout.PaidAt,
        m.CancelledAt,
        m.Refund.RefundedAt,
        m.Refund.DisputeId);
}
