using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;

namespace OpenTrain.Clean.Application.Contracts.HireTrainer;

/// <summary>Hires a trainer on a job: creates the contract and its first milestone together and funds it.</summary>
public sealed record HireTrainerCommand(Guid JobId, Guid TrainerId, NewMilestone FirstMilestone) : IProcessCommand<HireResponse>;

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

public sealed class HireTrainerHandler(FundingProcess funding, StartHireStep startHire, IReadStore store, ICurrentUser user)
    : IRequestHandler<HireTrainerCommand, HireResponse>
{
    public async ValueTask<HireResponse> Handle(HireTrainerCommand command, CancellationToken cancellationToken)
    {
        var response = await funding.RunAsync(ct => startHire.ExecuteAsync(command, user.Id, ct), cancellationToken);
        var contractId = new ContractId(response.Milestone.ContractId);
        FundingProcess.ThrowIfDeclined(response, contractId.Value);
        var contract = await store.FirstOrDefaultAsync(store.Query<Contract>().VisibleTo(user).Where(c => c.Id == contractId).ProjectToResponse(), CancellationToken.None)
            ?? throw new NotFoundException("Contract", contractId.Value);
        return new HireResponse(contract, response);
    }
}
