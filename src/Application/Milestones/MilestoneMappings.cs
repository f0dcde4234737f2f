using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones;

/// <summary>
/// Written by hand: the grouping of facts and who may see the client secret
/// carry meaning a generated mapper would hide.
/// </summary>
public static class MilestoneMappings
{
    /// <param name="milestone">The milestone.</param>
    /// <param name="viewerIsEmployer">Only the paying employer sees the 3-D Secure client secret.</param>
    /// <param name="includeTimeline">Single-milestone and contract views carry the timeline; lists do not.</param>
    public static MilestoneResponse ToResponse(this Milestone milestone, bool viewerIsEmployer, bool includeTimeline)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        var m = milestone;
        return new MilestoneResponse(
            m.Id.Value,
            m.ContractId.Value,
            m.JobId.Value,
            m.EmployerId.Value,
            m.TrainerId.Value,
            m.Sequence,
            m.Title,
            m.Description,
            m.Amount.Amount,
            m.Amount.Currency,
            new MilestoneFees(m.MarketplaceFee.Amount, m.ContractInitiationFee.Amount, m.EmployerTotal.Amount),
            m.DueDate,
            m.Status,
            m.IsDisputed,
            m.CreatedAt,
            new MilestoneFunding(
                m.Funding.Attempts,
                m.Funding.PaymentIntentId,
                m.Funding.ChargeId,
                m.Funding.FundedAt,
                viewerIsEmployer ? m.Funding.ClientSecret : null,
                m.Funding.LastError is { } error ? new FundingErrorResponse(error.Code, error.Message) : null),
            m.Review.SubmittedAt is { } submittedAt ? new MilestoneSubmission(submittedAt, m.Review.SubmissionNote) : null,
            m.Review.ChangesRequestedReason,
            m.Review.ApprovedAt is { } approvedAt && m.Review.ApprovedBy is { } approvedBy ? new MilestoneApproval(approvedAt, approvedBy.Value) : null,
            new MilestonePayout(
                m.Payout.Status,
                m.Payout.Reason == PayoutPendingReason.None ? null : m.Payout.Reason,
                m.Payout.Attempts,
                m.NextPayoutAttemptAt,
                m.Payout.LastError,
                m.Payout.TransferId,
                m.Payout.PaidAt),
            includeTimeline
                ? m.Timeline.OrderBy(t => t.Sequence)
                    .Select(t => new TimelineEntryResponse(t.At, t.Action, t.From, t.To, t.ActorId?.Value, t.Note))
                    .ToList()
                : null);
    }
}
