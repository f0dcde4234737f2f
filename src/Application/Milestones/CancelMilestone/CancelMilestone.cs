using Mediator;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.Milestones.CancelMilestone;

/// <summary>The employer cancels a milestone that was never funded.</summary>
public sealed record CancelMilestoneCommand(Guid MilestoneId) : ICommand<MilestoneResponse>;

public sealed class CancelMilestoneHandler(IMilestoneRepository milestones, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<CancelMilestoneCommand, MilestoneResponse>
{
    public async ValueTask<MilestoneResponse> Handle(CancelMilestoneCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.LoadForPartyAsync(command.MilestoneId, user.Id, cancellationToken);
        milestone.Cancel(user.Id, clock.GetUtcNow());
        return milestone.ToResponse(viewerIsEmployer: milestone.EmployerId == user.Id, includeTimeline: true);
    }
}
