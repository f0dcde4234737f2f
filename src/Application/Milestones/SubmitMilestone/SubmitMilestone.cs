using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.Milestones.SubmitMilestone;

/// <summary>The trainer marks the work complete and requests approval.</summary>
public sealed record SubmitMilestoneCommand(Guid MilestoneId, string? Note) : ICommand<MilestoneResponse>;

public sealed class SubmitMilestoneHandler(IMilestoneRepository milestones, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<SubmitMilestoneCommand, MilestoneResponse>
{
    public async ValueTask<MilestoneResponse> Handle(SubmitMilestoneCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.LoadForPartyAsync(command.MilestoneId, user.Id, cancellationToken);
        milestone.Submit(user.Id, command.Note, clock.GetUtcNow());
        return milestone.ToResponse(viewerIsEmployer: milestone.EmployerId == user.Id, includeTimeline: true);
    }
}

public sealed class SubmitMilestoneValidator : AbstractValidator<SubmitMilestoneCommand>
{
    public SubmitMilestoneValidator()
    {
        RuleFor(c => c.Note).MaximumLength(Domain.Milestones.Milestone.MaxNoteLength).NoControlCharacters(allowLineBreaks: true);
    }
}
