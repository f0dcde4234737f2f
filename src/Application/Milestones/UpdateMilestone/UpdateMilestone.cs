using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.UpdateMilestone;

/// <summary>Changes a milestone that is not funded yet; members left out stay as they are.</summary>
public sealed record UpdateMilestoneCommand(Guid MilestoneId, string? Title, string? Description, long? Amount, DateOnly? DueDate) : ICommand<MilestoneResponse>;

public sealed class UpdateMilestoneValidator : AbstractValidator<UpdateMilestoneCommand>
{
    public UpdateMilestoneValidator(TimeProvider clock)
    {
        RuleFor(c => c.Title).MaximumLength(Milestone.MaxTitleLength).NoControlCharacters();
        RuleFor(c => c.Description).MaximumLength(Milestone.MaxDescriptionLength).NoControlCharacters(allowLineBreaks: true)
            .Must(d => d is null || !string.IsNullOrWhiteSpace(d)).WithMessage("'Description' must not be empty.");
        RuleFor(c => c.Amount).InclusiveBetween(Money.MinimumChargeCents, Money.MaximumChargeCents)
            .When(c => c.Amount is not null)
            .WithMessage($"'Amount' is in cents and must be between {Money.MinimumChargeCents} and {Money.MaximumChargeCents}.");
        RuleFor(c => c.DueDate)
            .Must(due => due is null || due >= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
            .WithMessage("'Due Date' must not be in the past.");
        RuleFor(c => c).Must(c => c.Title is not null || c.Description is not null || c.Amount is not null || c.DueDate is not null)
            .WithName("body").WithMessage("Name at least one of title, description, amount, dueDate.");
    }
}

public sealed class UpdateMilestoneHandler(IMilestoneRepository milestones, IOptions<FeeOptions> fees, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<UpdateMilestoneCommand, MilestoneResponse>
{
    public async ValueTask<MilestoneResponse> Handle(UpdateMilestoneCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(new MilestoneId(command.MilestoneId), cancellationToken);
        if (milestone is null || milestone.EmployerId != user.Id)
        {
            throw new NotFoundException("Milestone", command.MilestoneId);
        }

        milestone.UpdateDetails(
            user.Id,
            command.Title ?? milestone.Title,
            command.Description ?? milestone.Description,
            command.Amount is { } amount ? Money.FromCents(amount) : milestone.Amount,
            command.DueDate ?? milestone.DueDate,
            fees.Value.ToSchedule(),
            clock.GetUtcNow());
        return milestone.ToResponse(viewerIsEmployer: true, includeTimeline: true);
    }
}
