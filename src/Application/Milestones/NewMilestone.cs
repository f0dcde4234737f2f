using FluentValidation;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones;

/// <summary>The details of a milestone as the employer enters them.</summary>
public interface IMilestoneDetails
{
    string Description { get; }

    long Amount { get; }

    string? Title { get; }

    DateOnly? DueDate { get; }
}

/// <summary>A milestone as the employer enters it.</summary>
/// <param name="Description" example="First 1,000 preference pairs">The deliverable.</param>
/// <param name="Amount" example="50000">What the trainer is owed, in cents (USD). Fees are added on top.</param>
/// <param name="Title" example="Batch 1">Short name; defaults to "Milestone N".</param>
/// <param name="DueDate">Optional due date (UTC calendar date, not in the past).</param>
public sealed record NewMilestone(string Description, long Amount, string? Title = null, DateOnly? DueDate = null) : IMilestoneDetails;

/// <summary>
/// The rules of a milestone's details, including the charge limit with fees added: the employer's
/// charge (amount + marketplace fee + the contract fee on a first milestone) must fit in one Stripe charge.
/// </summary>
public sealed class MilestoneDetailsRules<T> : AbstractValidator<T>
    where T : IMilestoneDetails
{
    public MilestoneDetailsRules(TimeProvider clock, FeeSchedule fees, bool isFirstMilestone)
    {
        ArgumentNullException.ThrowIfNull(fees);
        RuleFor(m => m.Title).MaximumLength(Milestone.MaxTitleLength).NoControlCharacters();
        RuleFor(m => m.Description).NotEmpty().MaximumLength(Milestone.MaxDescriptionLength).NoControlCharacters(allowLineBreaks: true);
        var maximum = MaximumAmount(fees, isFirstMilestone);
        RuleFor(m => m.Amount).InclusiveBetween(Money.MinimumChargeCents, maximum)
            .WithMessage($"'Amount' is in cents and must be between {Money.MinimumChargeCents} and {maximum} (with fees, one charge is at most {Money.MaximumChargeCents}).");
        RuleFor(m => m.DueDate)
            .Must(due => due is null || due >= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
            .WithMessage("'Due Date' must not be in the past.");
    }

    /// <summary>The largest amount whose charge with fees stays within Stripe's limit.</summary>
    public static long MaximumAmount(FeeSchedule fees, bool isFirstMilestone)
    {
        ArgumentNullException.ThrowIfNull(fees);
        long low = Money.MinimumChargeCents, high = Money.MaximumChargeCents;
        while (low < high)
        {
            var mid = low + ((high - low + 1) / 2);
            if (fees.Quote(Money.FromCents(mid), isFirstMilestone).EmployerTotal.Amount <= Money.MaximumChargeCents)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }
}
