using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// What a milestone promises and costs: the deliverable's title and description, the amount and the
/// fees on it. Checked as a whole, so a milestone is never created or changed into terms a single
/// charge could not carry.
/// </summary>
public sealed record MilestoneTerms(string Title, string Description, Money Amount, FeeQuote Fees)
{
    public static MilestoneTerms Check(int sequence, string? title, string description, Money amount, FeeSchedule fees)
    {
        ArgumentNullException.ThrowIfNull(fees);
        if (string.IsNullOrWhiteSpace(description))
        {
            throw new DomainException(MilestoneErrors.DescriptionRequired, "A milestone needs a description of the deliverable.");
        }

        if (description.Length > Milestone.MaxDescriptionLength || title?.Length > Milestone.MaxTitleLength)
        {
            throw new DomainException(MilestoneErrors.TextTooLong, $"A title is at most {Milestone.MaxTitleLength} and a description at most {Milestone.MaxDescriptionLength} characters.");
        }

        if (!amount.IsWithinChargeLimits)
        {
            throw new DomainException(
                MilestoneErrors.AmountOutOfRange,
                $"A milestone amount is between {Money.MinimumChargeCents} and {Money.MaximumChargeCents} cents.");
        }

        var quote = fees.Quote(amount, isFirstMilestoneOfContract: sequence == 1);
        if (!quote.EmployerTotal.IsWithinChargeLimits)
        {
            throw new DomainException(
                MilestoneErrors.AmountOutOfRange,
                $"With fees the charge would be {quote.EmployerTotal.Amount} cents, above the {Money.MaximumChargeCents} cents a single charge may be.");
        }

        return new MilestoneTerms(string.IsNullOrWhiteSpace(title) ? $"Milestone {sequence}" : title.Trim(), description.Trim(), amount, quote);
    }
}
