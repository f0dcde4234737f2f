using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Ops;

/// <summary>Payouts an admin must look at: parked after a permanent refusal (status failed), oldest first.</summary>
public sealed record ListParkedPayoutsQuery(int Limit = 100) : IQuery<IReadOnlyList<MilestoneResponse>>;

public sealed class ListParkedPayoutsHandler(IReadStore store) : IQueryHandler<ListParkedPayoutsQuery, IReadOnlyList<MilestoneResponse>>
{
    public async ValueTask<IReadOnlyList<MilestoneResponse>> Handle(ListParkedPayoutsQuery query, CancellationToken cancellationToken)
    {
        var parked = await store.ToListAsync(
            store.Query<Milestone>()
                .Where(m => m.Status == MilestoneStatus.PayoutPending && m.Payout.Status == PayoutStatus.Failed)
                .OrderBy(m => m.Id)
                .Take(Math.Clamp(query.Limit, 1, 500)),
            cancellationToken);
        return parked.Select(m => m.ToResponse(viewerIsEmployer: false, includeTimeline: true)).ToList();
    }
}
