using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Milestones.FundMilestone;

/// <summary>Charges the employer's default payment method for the milestone plus fees and holds it in escrow.</summary>
public sealed record FundMilestoneCommand(Guid MilestoneId) : IProcessCommand<FundingResponse>;

public sealed class FundMilestoneHandler(FundingProcess funding, ICurrentUser user) : IRequestHandler<FundMilestoneCommand, FundingResponse>
{
    public async ValueTask<FundingResponse> Handle(FundMilestoneCommand command, CancellationToken cancellationToken)
    {
        var response = await funding.FundAsync(new MilestoneId(command.MilestoneId), user.Id, cancellationToken);
        return FundingProcess.ThrowIfDeclined(response, response.Milestone.ContractId);
    }
}
