using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Common;

/// <summary>Configuration section <c>Fees</c>: OpenTrain's published fee model.</summary>
public sealed class FeeOptions
{
    public const string SectionName = "Fees";

    /// <summary>Share of the milestone amount, 0.10 = 10%.</summary>
    public decimal MarketplaceFeeRate { get; set; } = 0.10m;

    /// <summary>Charged once, with the first milestone of a contract. 995 = $9.95.</summary>
    public long ContractInitiationFeeCents { get; set; } = 995;

    public FeeSchedule ToSchedule() => new(MarketplaceFeeRate, ContractInitiationFeeCents);
}
