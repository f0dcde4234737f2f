using FluentValidation;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones;

/// <summary>A milestone as the employer enters it.</summary>
/// <param name="Description" example="First 1,000 preference pairs">The deliverable.</param>
/// <param name="Amount" example="50000">What the trainer is owed, in cents (USD). Fees are added on top.</param>
/// <param name="Title" example="Batch 1">Short name; defaults to "Milestone N".</param>
/// <param name="DueDate">Optional due date (UTC calendar date, not in the past).</param>
public sealed record NewMilestone(string Description, long Amount, string? Title = null, DateOnly? DueDate = null);

public sealed class NewMilestoneValidator : AbstractValidator<NewMilestone>
{
    public NewMilestoneValidator(TimeProvider clock)
    {
        RuleFor(m => m.Title).MaximumLength(Milestone.MaxTitleLength).NoControlCharacters();
        RuleFor(m => m.Description).NotEmpty().MaximumLength(Milestone.MaxDescriptionLength).NoControlCharacters(allowLineBreaks: true);
        RuleFor(m => m.Amount).InclusiveBetween(Money.MinimumChargeCents, Money.MaximumChargeCents)
            .WithMessage($"'Amount' is in cents and must be between {Money.MinimumChargeCents} and {Money.MaximumChargeCents}.");
        RuleFor(m => m.DueDate)
            .Must(due => due is null || due >= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
            .WithMessage("'Due Date' must not be in the past.");
    }
}
