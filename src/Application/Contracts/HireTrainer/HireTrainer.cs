using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Common.Behaviours;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Contracts.GetContract;
using OpenTrain.Clean.Application.Milestones.Funding;

namespace OpenTrain.Clean.Application.Contracts.HireTrainer;

/// <summary>Hires a trainer on a job: creates the contract and its first milestone together and funds it.</summary>
public sealed record HireTrainerCommand(Guid JobId, Guid TrainerId, NewMilestone FirstMilestone) : ICommand<HireResponse>, IMultiStepCommand;

public sealed record HireResponse(ContractResponse Contract, FundingResponse Funding);

public sealed class HireTrainerValidator : AbstractValidator<HireTrainerCommand>
{
    public HireTrainerValidator(TimeProvider clock, Microsoft.Extensions.Options.IOptions<Common.FeeOptions> fees)
    {
        ArgumentNullException.ThrowIfNull(fees);
        RuleFor(c => c.TrainerId).NotEmpty();
        RuleFor(c => c.FirstMilestone).NotNull()
            .SetValidator(new MilestoneDetailsRules<NewMilestone>(clock, fees.Value.ToSchedule(), isFirstMilestone: true));
    }
}

public sealed class HireTrainerHandler(ISender sender, FundingProcess funding) : ICommandHandler<HireTrainerCommand, HireResponse>
{
    public async ValueTask<HireResponse> Handle(HireTrainerCommand command, CancellationToken cancellationToken)
    {
        var started = await sender.Send(new StartHireCommand(command.JobId, command.TrainerId, command.FirstMilestone), cancellationToken);
        var response = await funding.CompleteAsync(started.Funding);
        FundingProcess.ThrowIfDeclined(response, started.Funding.ContractId.Value);
        var contract = await sender.Send(new GetContractSummaryQuery(started.Funding.ContractId.Value), CancellationToken.None);
        return new HireResponse(contract, response);
    }
}
