using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Domain.Common;
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

/// <summary>An admin puts a parked or waiting payout back in the queue; the payout job sends it with the same key.</summary>
public sealed record RetryPayoutCommand(Guid MilestoneId) : ICommand<MilestoneResponse>;

public sealed class RetryPayoutHandler(IMilestoneRepository milestones, TimeProvider clock) : ICommandHandler<RetryPayoutCommand, MilestoneResponse>
{
    public async ValueTask<MilestoneResponse> Handle(RetryPayoutCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(new MilestoneId(command.MilestoneId), cancellationToken)
            ?? throw new NotFoundException("Milestone", command.MilestoneId);
        milestone.RetryPayout(clock.GetUtcNow());
        return milestone.ToResponse(viewerIsEmployer: false, includeTimeline: true);
    }
}
