using Mediator;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.Milestones.ApproveMilestone;

/// <summary>The employer approves the work: the milestone moves to payout_pending and the worker releases the money to the trainer.</summary>
public sealed record ApproveMilestoneCommand(Guid MilestoneId) : ICommand<MilestoneResponse>;

public sealed class ApproveMilestoneHandler(IMilestoneRepository milestones, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<ApproveMilestoneCommand, MilestoneResponse>
{
    public async ValueTask<MilestoneResponse> Handle(ApproveMilestoneCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.LoadForPartyAsync(command.MilestoneId, user.Id, cancellationToken);
        milestone.Approve(user.Id, clock.GetUtcNow());
        return milestone.ToResponse(viewerIsEmployer: milestone.EmployerId == user.Id, includeTimeline: true);
    }
}
