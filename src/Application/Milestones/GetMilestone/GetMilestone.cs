using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.GetMilestone;

public sealed record GetMilestoneQuery(Guid MilestoneId) : IQuery<MilestoneResponse>;

public sealed class GetMilestoneHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetMilestoneQuery, MilestoneResponse>
{
    public async ValueTask<MilestoneResponse> Handle(GetMilestoneQuery query, CancellationToken cancellationToken)
    {
        var id = new MilestoneId(query.MilestoneId);
        var milestone = await store.FirstOrDefaultAsync(store.Query<Milestone>().VisibleTo(user).Where(m => m.Id == id), cancellationToken)
            ?? throw new NotFoundException("Milestone", query.MilestoneId);
        return milestone.ToResponse(viewerIsEmployer: milestone.EmployerId == user.Id, includeTimeline: true);
    }
}
