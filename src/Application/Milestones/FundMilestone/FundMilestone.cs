using Mediator;
using OpenTrain.Clean.Application.Common.Behaviours;
using OpenTrain.Clean.Application.Milestones.Funding;

namespace OpenTrain.Clean.Application.Milestones.FundMilestone;

/// <summary>Charges the employer's default payment method for the milestone plus fees and holds it in escrow.</summary>
public sealed record FundMilestoneCommand(Guid MilestoneId) : ICommand<FundingResponse>, IMultiStepCommand;

public sealed class FundMilestoneHandler(ISender sender, FundingProcess funding) : ICommandHandler<FundMilestoneCommand, FundingResponse>
{
    public async ValueTask<FundingResponse> Handle(FundMilestoneCommand command, CancellationToken cancellationToken)
    {
        var instruction = await sender.Send(new BeginFundingCommand(command.MilestoneId), cancellationToken);
        var response = await funding.CompleteAsync(instruction);
        return FundingProcess.ThrowIfDeclined(response, instruction.ContractId.Value);
    }
}
