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
        m.FundingAttempts,
        m.PayoutAttempts,
        m.PayoutStatus,
        m.PayoutReason,
        m.Title,
        m.Description,
        m.Amount,
        m.MarketplaceFee,
        m.ContractInitiationFee,
        m.PaymentIntentId,
        m.ChargeId,
        m.FundingClientSecret,
        m.LastFundingError,
        m.FundedAt,
        m.SubmittedAt,
        m.ApprovedAt,
        m.NextPayoutAttemptAt,
        m.PayoutLastError,
        m.TransferId,
        m.PaidAt,
        m.CancelledAt,
        m.RefundedAt,
        m.DisputeId);
}
