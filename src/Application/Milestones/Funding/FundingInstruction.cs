using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Milestones.Funding;

/// <summary>A committed funding attempt, ready to be sent to the provider.</summary>
public sealed record FundingInstruction(MilestoneId MilestoneId, ContractId ContractId, int Attempt, FundingRequest Request);

/// <summary>What reconciliation asks the provider: about the known intent, or the attempt's own request again (<paramref name="Redrive"/>).</summary>
public sealed record FundingCheck(int Attempt, string? PaymentIntentId, FundingInstruction? Redrive);
