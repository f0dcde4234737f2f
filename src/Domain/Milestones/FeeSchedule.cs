using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// OpenTrain's published fee model: a marketplace fee as a share of the milestone amount and a
/// contract initiation fee charged once, with the first milestone of a contract.
/// </summary>
public sealed record FeeSchedule
{
    public const string Invalid = "invalid_fee_schedule";

    public FeeSchedule(decimal marketplaceFeeRate, long contractInitiationFeeCents)
    {
        if (marketplaceFeeRate is < 0m or >= 1m)
        {
            throw new DomainException(Invalid, "The marketplace fee rate must be at least 0 and below 1.");
        }

        if (contractInitiationFeeCents < 0)
        {
            throw new DomainException(Invalid, "The contract initiation fee cannot be negative.");
        }

        MarketplaceFeeRate = marketplaceFeeRate;
        ContractInitiationFeeCents = contractInitiationFeeCents;
    }

    public static FeeSchedule Default { get; } = new(0.10m, 995);

    public decimal MarketplaceFeeRate { get; }

    public long ContractInitiationFeeCents { get; }

    public FeeQuote Quote(Money milestoneAmount, bool isFirstMilestoneOfContract)
    {
        var marketplaceFee = new Money(RoundHalfUp(milestoneAmount.Amount * MarketplaceFeeRate), milestoneAmount.Currency);
        var contractFee = new Money(isFirstMilestoneOfContract ? ContractInitiationFeeCents : 0, milestoneAmount.Currency);
        return new FeeQuote(milestoneAmount, marketplaceFee, contractFee);
    }

    /// <summary>Half-up to the cent: amounts are never negative, so away-from-zero is half-up.</summary>
    private static long RoundHalfUp(decimal cents) => (long)Math.Round(cents, 0, MidpointRounding.AwayFromZero);
}

/// <summary>What the employer is charged for one milestone, and what the trainer is owed.</summary>
public sealed record FeeQuote(Money MilestoneAmount, Money MarketplaceFee, Money ContractInitiationFee)
{
    public Money EmployerTotal => MilestoneAmount + MarketplaceFee + ContractInitiationFee;

    public Money TrainerPayout => MilestoneAmount;
}
