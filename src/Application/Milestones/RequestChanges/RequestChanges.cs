using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.Milestones.RequestChanges;

/// <summary>The employer sends submitted work back; the money stays in escrow.</summary>
public sealed record RequestChangesCommand(Guid MilestoneId, string Reason) : ICommand<MilestoneResponse>;

public sealed class RequestChangesHandler(IMilestoneRepository milestones, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<RequestChangesCommand, MilestoneResponse>
{
    public async ValueTask<MilestoneResponse> Handle(RequestChangesCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.LoadForPartyAsync(command.MilestoneId, user.Id, cancellationToken);
        milestone.RequestChanges(user.Id, command.Reason, clock.GetUtcNow());
        return milestone.ToResponse(viewerIsEmployer: milestone.EmployerId == user.Id, includeTimeline: true);
    }
}

public sealed class RequestChangesValidator : AbstractValidator<RequestChangesCommand>
{
    public RequestChangesValidator()
    {
        RuleFor(c => c.Reason).NotEmpty().MaximumLength(Domain.Milestones.Milestone.MaxNoteLength).NoControlCharacters(allowLineBreaks: true);
    }
}
