using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.GetMilestone;

public sealed record GetMilestoneQuery(Guid MilestoneId) : IQuery<MilestoneResponse>;

public sealed class GetMilestoneHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetMilestoneQuery, MilestoneResponse>
{
    /// <summary>The milestone with its timeline, if the caller may see it (compiled once per role).</summary>
    private static readonly ReadsByRole<(MilestoneId Id, UserId User), Milestone> Visible =
        new((roots, a) => roots.VisibleTo<Milestone>(a.User).Where(m => m.Id == a.Id));

    public async ValueTask<MilestoneResponse> Handle(GetMilestoneQuery query, CancellationToken cancellationToken)
    {
        var milestone = await store.FirstOrDefaultAsync(Visible.For(user.Role), (new MilestoneId(query.MilestoneId), user.Id), cancellationToken)
            ?? throw new NotFoundException("Milestone", query.MilestoneId);
        return milestone.ToResponse(viewerIsEmployer: milestone.EmployerId == user.Id, includeTimeline: true);
    }
}
