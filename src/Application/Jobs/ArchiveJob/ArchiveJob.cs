using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Jobs.ArchiveJob;

public sealed record ArchiveJobCommand(Guid JobId) : ICommand<JobResponse>;

/// <summary>Archives a job and ends its contracts; refused while any milestone is unresolved.</summary>
public sealed class ArchiveJobHandler(
    IRepository<Job, JobId> jobs,
    IRepository<Contract, ContractId> contracts,
    IReadStore store,
    ICurrentUser user,
    TimeProvider clock) : ICommandHandler<ArchiveJobCommand, JobResponse>
{
    public async ValueTask<JobResponse> Handle(ArchiveJobCommand command, CancellationToken cancellationToken)
    {
        var id = new JobId(command.JobId);
        var job = await jobs.FindAsync(id, cancellationToken);
        if (job is null || (job.EmployerId != user.Id && user.Role != UserRole.Admin))
        {
            throw new NotFoundException("Job", command.JobId);
        }

        var milestones = await store.ToListAsync(
            store.Query<Milestone>().Where(m => m.JobId == id).OrderBy(m => m.Id).Select(m => new { m.Id, m.Status }),
            cancellationToken);
        var now = clock.GetUtcNow();
        job.Archive(milestones.Select(m => (m.Id, m.Status)), now);

        var contractIds = await store.ToListAsync(
            store.Query<Contract>().Where(c => c.JobId == id && c.Status != ContractStatus.Ended).Select(c => c.Id),
            cancellationToken);
        foreach (var contractId in contractIds)
        {
            var contract = await contracts.FindAsync(contractId, cancellationToken);
            contract?.End(now);
        }

        return job.ToResponse();
    }
}
