using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Jobs;

namespace OpenTrain.Clean.Domain.Contracts;

public enum ContractStatus
{
    /// <summary>Hired, first milestone not yet funded.</summary>
    Pending,
    Active,
    Ended,
}

public sealed record TrainerHired(ContractId ContractId, JobId JobId, UserId EmployerId, UserId TrainerId, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record ContractActivated(ContractId ContractId, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record ContractEnded(ContractId ContractId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>The hire of one trainer on one job. Hiring creates it together with its first milestone.</summary>
public sealed class Contract : AggregateRoot<ContractId>
{
    public const string NotOpen = "contract_ended";
    public const string CannotHireSelf = "cannot_hire_self";

    private Contract()
    {
    }

    public JobId JobId { get; private set; }

    public UserId EmployerId { get; private set; }

    public UserId TrainerId { get; private set; }

    public ContractStatus Status { get; private set; }

    public DateTimeOffset HiredAt { get; private set; }

    public DateTimeOffset? ActivatedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>How many milestones were ever added; numbers the next one.</summary>
    public int MilestoneCount { get; private set; }

    public static Contract Hire(Job job, UserId trainerId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        job.EnsureOpen();
        if (trainerId == job.EmployerId)
        {
            throw new DomainException(CannotHireSelf, "An employer cannot hire themselves.");
        }

        var contract = new Contract
        {
            Id = ContractId.New(),
            JobId = job.Id,
            EmployerId = job.EmployerId,
            TrainerId = trainerId,
            Status = ContractStatus.Pending,
            HiredAt = now,
        };
        contract.Raise(new TrainerHired(contract.Id, job.Id, job.EmployerId, trainerId, now));
        return contract;
    }

    /// <summary>Reserves the sequence number of a new milestone.</summary>
    public int NextMilestoneSequence()
    {
        if (Status == ContractStatus.Ended)
        {
            throw new DomainException(NotOpen, $"Contract {Id} has ended; it takes no new milestones.");
        }

        MilestoneCount++;
        return MilestoneCount;
    }

    /// <summary>The first funded milestone makes a pending contract active; later fundings change nothing.</summary>
    public void MilestoneFunded(DateTimeOffset now)
    {
        if (Status != ContractStatus.Pending)
        {
            return;
        }

        Status = ContractStatus.Active;
        ActivatedAt = now;
        Raise(new ContractActivated(Id, now));
    }

    public void End(DateTimeOffset now)
    {
        if (Status == ContractStatus.Ended)
        {
            throw new DomainException(NotOpen, $"Contract {Id} has already ended.");
        }

        Status = ContractStatus.Ended;
        EndedAt = now;
        Raise(new ContractEnded(Id, now));
    }
}
