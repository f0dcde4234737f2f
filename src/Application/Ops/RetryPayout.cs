using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Ops;

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
