using System.Linq.Expressions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones;

/// <summary>
/// Written by hand: the grouping of facts and who may see the client secret carry meaning a
/// generated mapper would hide. Written once, as an expression: list reads project it in the query
/// (EF Core reads the milestone's columns only, never the timeline rows its owned collection would
/// bring along), and <see cref="ToResponse"/> runs the same expression compiled.
/// </summary>
public static class MilestoneMappings
{
    private static readonly Expression<Func<Milestone, bool, MilestoneResponse>> Shape = (m, viewerIsEmployer) => new MilestoneResponse(
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
        new MilestoneFees(m.MarketplaceFee.Amount, m.ContractInitiationFee.Amount, m.Amount.Amount + m.MarketplaceFee.Amount + m.ContractInitiationFee.Amount),
        m.DueDate,
        m.Status,
        m.Refund.DisputeId != null,
        m.CreatedAt,
        new MilestoneFunding(
            m.Funding.Attempts,
            m.Funding.PaymentIntentId,
            m.Funding.ChargeId,
            m.Funding.FundedAt,
            viewerIsEmployer ? m.Funding.ClientSecret : null,
            m.Funding.LastError != null ? new FundingErrorResponse(m.Funding.LastError.Code, m.Funding.LastError.Message) : null),
        m.Review.SubmittedAt != null ? new MilestoneSubmission(m.Review.SubmittedAt.Value, m.Review.SubmissionNote) : null,
        m.Review.ChangesRequestedReason,
        m.Review.ApprovedAt != null && m.Review.ApprovedBy != null ? new MilestoneApproval(m.Review.ApprovedAt.Value, m.Review.ApprovedBy.Value.Value) : null,
        new MilestonePayout(
            m.Payout.Status,
            m.Payout.Reason == PayoutPendingReason.None ? null : m.Payout.Reason,
            m.Payout.Attempts,
            m.NextPayoutAttemptAt,
            m.Payout.LastError,
            m.Payout.TransferId,
            m.Payout.PaidAt),
        null);

    private static readonly Func<Milestone, bool, MilestoneResponse> Compiled = Shape.Compile();

    private static readonly Expression<Func<Milestone, MilestoneResponse>> ForEmployer = Bind(viewerIsEmployer: true);

    private static readonly Expression<Func<Milestone, MilestoneResponse>> ForOthers = Bind(viewerIsEmployer: false);

    /// <param name="milestone">The milestone.</param>
    /// <param name="viewerIsEmployer">Only the paying employer sees the 3-D Secure client secret.</param>
    /// <param name="includeTimeline">Single-milestone and contract views carry the timeline; lists do not.</param>
    public static MilestoneResponse ToResponse(this Milestone milestone, bool viewerIsEmployer, bool includeTimeline)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        var response = Compiled(milestone, viewerIsEmployer);
        return includeTimeline
            ? response with
            {
                Timeline = milestone.Timeline.OrderBy(t => t.Sequence)
                    .Select(t => new TimelineEntryResponse(t.At, t.Action, t.From, t.To, t.ActorId?.Value, t.Note))
                    .ToList(),
            }
            : response;
    }

    /// <summary>
    /// The view without its timeline as the expression a query selects, the viewer decided in the query: the
    /// client secret is read only where the milestone's employer is the viewer.
    /// </summary>
    public static Expression<Func<Milestone, UserId, MilestoneResponse>> ResponseForViewer { get; } = BindViewer();

    /// <summary>One timeline entry as the expression a query selects (the single view reads its timeline on its own).</summary>
    public static Expression<Func<MilestoneTimelineEntry, TimelineEntryResponse>> TimelineEntry { get; } =
        t => new TimelineEntryResponse(t.At, t.Action, t.From, t.To, t.ActorId == null ? null : t.ActorId.Value.Value, t.Note);

    /// <summary>The list view (no timeline) as the expression a query selects.</summary>
    public static Expression<Func<Milestone, MilestoneResponse>> ResponseFor(bool viewerIsEmployer) => viewerIsEmployer ? ForEmployer : ForOthers;

    private static Expression<Func<Milestone, MilestoneResponse>> Bind(bool viewerIsEmployer) =>
        Expression.Lambda<Func<Milestone, MilestoneResponse>>(
            new Replace(Shape.Parameters[1], Expression.Constant(viewerIsEmployer)).Visit(Shape.Body),
            Shape.Parameters[0]);

    private static Expression<Func<Milestone, UserId, MilestoneResponse>> BindViewer()
    {
        var milestone = Shape.Parameters[0];
        var viewer = Expression.Parameter(typeof(UserId), "viewer");
        var viewerIsEmployer = Expression.Equal(Expression.Property(milestone, nameof(Milestone.EmployerId)), viewer);
        return Expression.Lambda<Func<Milestone, UserId, MilestoneResponse>>(new Replace(Shape.Parameters[1], viewerIsEmployer).Visit(Shape.Body), milestone, viewer);
    }

    private sealed class Replace(ParameterExpression parameter, Expression with) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? with : base.VisitParameter(node);
    }
}
