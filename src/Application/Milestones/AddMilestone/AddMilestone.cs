using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.AddMilestone;

/// <summary>Adds a milestone to a contract; it stays not_funded until the employer funds it.</summary>
public sealed record AddMilestoneCommand(Guid ContractId, string Description, long Amount, string? Title = null, DateOnly? DueDate = null)
    : ICommand<MilestoneResponse>, IMilestoneDetails;

public sealed class AddMilestoneValidator : AbstractValidator<AddMilestoneCommand>
{
    public AddMilestoneValidator(TimeProvider clock, IOptions<FeeOptions> fees)
    {
        ArgumentNullException.ThrowIfNull(fees);
        Include(new MilestoneDetailsRules<AddMilestoneCommand>(clock, fees.Value.ToSchedule(), isFirstMilestone: false));
    }
}

public sealed class AddMilestoneHandler(
    IRepository<Contract, ContractId> contracts,
    IRepository<Job, JobId> jobs,
    IMilestoneRepository milestones,
    IOptions<FeeOptions> fees,
    ICurrentUser user,
    TimeProvider clock) : ICommandHandler<AddMilestoneCommand, MilestoneResponse>
{
    public async ValueTask<MilestoneResponse> Handle(AddMilestoneCommand command, CancellationToken cancellationToken)
    {
        var contract = await contracts.FindAsync(new ContractId(command.ContractId), cancellationToken);
        if (contract is null || contract.EmployerId != user.Id)
        {
            throw new NotFoundException("Contract", command.ContractId);
        }

        var job = await jobs.FindAsync(contract.JobId, cancellationToken) ?? throw new NotFoundException("Job", contract.JobId);
        job.EnsureOpen();
        var details = command;
        var milestone = Milestone.Create(
            contract.Id,
            contract.JobId,
            contract.EmployerId,
            contract.TrainerId,
            contract.NextMilestoneSequence(),
            details.Title,
            details.Description,
            Money.FromCents(details.Amount),
            details.DueDate,
            fees.Value.ToSchedule(),
            clock.GetUtcNow());
        milestones.Add(milestone);
        return milestone.ToResponse(viewerIsEmployer: true, includeTimeline: true);
    }
}
