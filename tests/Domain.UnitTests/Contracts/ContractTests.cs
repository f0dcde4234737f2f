using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;

namespace OpenTrain.Clean.Domain.UnitTests.Contracts;

public sealed class ContractTests
{
    [Fact]
    public void Hire_WhenJobIsOpen_CreatesAPendingContractBetweenTheJobsEmployerAndTheTrainer()
    {
        var job = NewJob();

        var contract = Contract.Hire(job, Parties.Trainer, Moments.Later);

        Assert.Equal(ContractStatus.Pending, contract.Status);
        Assert.Equal(job.Id, contract.JobId);
        Assert.Equal(Parties.Employer, contract.EmployerId);
        Assert.Equal(Parties.Trainer, contract.TrainerId);
        Assert.Equal(Moments.Later, contract.HiredAt);
        Assert.Null(contract.ActivatedAt);
        var hired = Assert.IsType<TrainerHired>(Assert.Single(contract.DomainEvents));
        Assert.Equal(contract.Id, hired.ContractId);
        Assert.Equal(Parties.Trainer, hired.TrainerId);
    }

    [Fact]
    public void Hire_WhenEmployerHiresThemselves_RefusesWithCannotHireSelf()
    {
        var job = NewJob();

        var error = Assert.Throws<DomainException>(() => Contract.Hire(job, Parties.Employer, Moments.Later));

        Assert.Equal("cannot_hire_self", error.Code);
    }

    [Fact]
    public void NextMilestoneSequence_WhenCalledRepeatedly_NumbersMilestonesFromOne()
    {
        var contract = Contract.Hire(NewJob(), Parties.Trainer, Moments.Now);

        var numbers = new[] { contract.NextMilestoneSequence(), contract.NextMilestoneSequence(), contract.NextMilestoneSequence() };

        Assert.Equal([1, 2, 3], numbers);
        Assert.Equal(3, contract.MilestoneCount);
    }

    [Fact]
    public void NextMilestoneSequence_WhenContractEnded_RefusesWithContractEnded()
    {
        var contract = Contract.Hire(NewJob(), Parties.Trainer, Moments.Now);
        contract.NextMilestoneSequence();
        contract.End(Moments.Now.AddDays(1));

        var error = Assert.Throws<DomainException>(() => contract.NextMilestoneSequence());

        Assert.Equal("contract_ended", error.Code);
        Assert.Equal(1, contract.MilestoneCount);
    }

    [Fact]
    public void MilestoneFunded_WhenContractIsPending_ActivatesIt()
    {
        var contract = Contract.Hire(NewJob(), Parties.Trainer, Moments.Now);

        contract.MilestoneFunded(Moments.Later);

        Assert.Equal(ContractStatus.Active, contract.Status);
        Assert.Equal(Moments.Later, contract.ActivatedAt);
        Assert.IsType<ContractActivated>(contract.DomainEvents[^1]);
    }

    [Fact]
    public void MilestoneFunded_WhenAlreadyActive_KeepsTheFirstActivation()
    {
        var contract = Contract.Hire(NewJob(), Parties.Trainer, Moments.Now);
        contract.MilestoneFunded(Moments.Now.AddHours(1));

        contract.MilestoneFunded(Moments.Later);

        Assert.Equal(ContractStatus.Active, contract.Status);
        Assert.Equal(Moments.Now.AddHours(1), contract.ActivatedAt);
        Assert.Single(contract.DomainEvents.OfType<ContractActivated>());
    }

    [Fact]
    public void End_WhenActive_EndsTheContract()
    {
        var contract = Contract.Hire(NewJob(), Parties.Trainer, Moments.Now);
        contract.MilestoneFunded(Moments.Now.AddHours(1));

        contract.End(Moments.Later);

        Assert.Equal(ContractStatus.Ended, contract.Status);
        Assert.Equal(Moments.Later, contract.EndedAt);
        Assert.IsType<ContractEnded>(contract.DomainEvents[^1]);
    }

    [Fact]
    public void End_WhenAlreadyEnded_RefusesWithContractEndedAndKeepsTheFirstEnd()
    {
        var contract = Contract.Hire(NewJob(), Parties.Trainer, Moments.Now);
        contract.End(Moments.Now.AddHours(1));

        var error = Assert.Throws<DomainException>(() => contract.End(Moments.Later));

        Assert.Equal("contract_ended", error.Code);
        Assert.Equal(Moments.Now.AddHours(1), contract.EndedAt);
        Assert.Single(contract.DomainEvents.OfType<ContractEnded>());
    }

    [Fact]
    public void MilestoneFunded_WhenContractEnded_DoesNotReopenIt()
    {
        var contract = Contract.Hire(NewJob(), Parties.Trainer, Moments.Now);
        contract.End(Moments.Now.AddHours(1));

        contract.MilestoneFunded(Moments.Later);

        Assert.Equal(ContractStatus.Ended, contract.Status);
        Assert.Null(contract.ActivatedAt);
    }

    private static Job NewJob() => Job.Create(Parties.Employer, "Image labelling", "Bounding boxes", Moments.Now);
}
