using System.Linq.Expressions;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.GetMilestone;

public sealed record GetMilestoneQuery(Guid MilestoneId) : IQuery<MilestoneResponse>;

public sealed class GetMilestoneHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetMilestoneQuery, MilestoneResponse>
{
    private static readonly Expression<Func<IReadRoots, (MilestoneId Id, UserId User), IQueryable<Milestone>>> ById =
        (roots, a) => roots.VisibleTo<Milestone>(a.User).Where(m => m.Id == a.Id);

    /// <summary>The milestone's own columns projected, if the caller may see it (compiled once per role).</summary>
    private static readonly ReadsByRole<(MilestoneId Id, UserId User), MilestoneResponse> Visible =
        new(ById.Select(MilestoneMappings.ResponseForViewer, a => a.User));

    /// <summary>Its timeline, read once the milestone has been found visible: two flat statements instead of a join that repeats the milestone per entry.</summary>
    private static readonly CompiledRead<(MilestoneId Id, UserId User), TimelineEntryResponse> Timeline =
        new((roots, a) => roots.Set<Milestone>().Where(m => m.Id == a.Id).SelectMany(m => m.Timeline).OrderBy(t => t.Sequence).Select(MilestoneMappings.TimelineEntry));

    public async ValueTask<MilestoneResponse> Handle(GetMilestoneQuery query, CancellationToken cancellationToken)
    {
        var key = (new MilestoneId(query.MilestoneId), user.Id);
        var milestone = await store.FirstOrDefaultAsync(Visible.For(user.Role), key, cancellationToken)
            ?? throw new NotFoundException("Milestone", query.MilestoneId);
        return milestone with { Timeline = await store.ToListAsync(Timeline, key, cancellationToken) };
    }
}
