using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Jobs;

public sealed class JobArchiveTests
{
    [Theory]
    [InlineData(MilestoneStatus.NotFunded, "not_funded")]
    [InlineData(MilestoneStatus.Funding, "funding")]
    [InlineData(MilestoneStatus.ActiveFunded, "active_funded")]
    [InlineData(MilestoneStatus.PendingApproval, "pending_approval")]
    [InlineData(MilestoneStatus.PayoutPending, "payout_pending")]
    public void Archive_WhenAMilestoneIsUnresolved_RefusesListingItAndStaysOpen(MilestoneStatus unresolved, string apiStatus)
    {
        var job = NewJob();
        var blocking = MilestoneId.New();
        var milestones = new[] { (MilestoneId.New(), MilestoneStatus.Paid), (blocking, unresolved) };

        var error = Assert.Throws<DomainException>(() => job.Archive(milestones, Moments.Later));

        Assert.Equal("job_has_unresolved_milestones", error.Code);
        var listed = Assert.Single(UnresolvedIn(error));
        Assert.Equal(blocking.Value, listed["id"]);
        Assert.Equal(apiStatus, listed["status"]);
        Assert.Equal(JobStatus.Open, job.Status);
        Assert.Null(job.ArchivedAt);
        Assert.DoesNotContain(job.DomainEvents, e => e is JobArchived);
    }

    [Fact]
    public void Archive_WhenSeveralAreUnresolved_ListsExactlyTheUnresolvedOnes()
    {
        var job = NewJob();
        var funded = MilestoneId.New();
        var releasing = MilestoneId.New();
        var milestones = new[]
        {
            (MilestoneId.New(), MilestoneStatus.Paid),
            (funded, MilestoneStatus.ActiveFunded),
            (MilestoneId.New(), MilestoneStatus.Cancelled),
            (releasing, MilestoneStatus.PayoutPending),
            (MilestoneId.New(), MilestoneStatus.Refunded),
        };

        var error = Assert.Throws<DomainException>(() => job.Archive(milestones, Moments.Later));

        var listed = UnresolvedIn(error).Select(d => ((Guid)d["id"]!, (string)d["status"]!)).ToList();
        Assert.Equal([(funded.Value, "active_funded"), (releasing.Value, "payout_pending")], listed);
    }

    [Theory]
    [InlineData(MilestoneStatus.Paid)]
    [InlineData(MilestoneStatus.Cancelled)]
    [InlineData(MilestoneStatus.Refunded)]
    public void Archive_WhenEveryMilestoneIsResolved_ArchivesTheJob(MilestoneStatus resolved)
    {
        var job = NewJob();

        job.Archive([(MilestoneId.New(), resolved), (MilestoneId.New(), resolved)], Moments.Later);

        Assert.Equal(JobStatus.Archived, job.Status);
        Assert.Equal(Moments.Later, job.ArchivedAt);
        var archived = Assert.IsType<JobArchived>(job.DomainEvents[^1]);
        Assert.Equal(job.Id, archived.JobId);
    }

    [Fact]
    public void Archive_WhenMilestonesAreAMixOfFinalStates_ArchivesTheJob()
    {
        var job = NewJob();

        job.Archive(
            [(MilestoneId.New(), MilestoneStatus.Paid), (MilestoneId.New(), MilestoneStatus.Cancelled), (MilestoneId.New(), MilestoneStatus.Refunded)],
            Moments.Later);

        Assert.Equal(JobStatus.Archived, job.Status);
    }

    [Fact]
    public void Archive_WhenThereAreNoMilestones_ArchivesTheJob()
    {
        var job = NewJob();

        job.Archive([], Moments.Later);

        Assert.Equal(JobStatus.Archived, job.Status);
        Assert.Equal(Moments.Later, job.ArchivedAt);
    }

    [Fact]
    public void Archive_WhenAlreadyArchived_RefusesWithJobArchivedAndKeepsTheFirstArchive()
    {
        var job = NewJob();
        job.Archive([], Moments.Now.AddHours(1));
        var eventsBefore = job.DomainEvents.Count;

        var error = Assert.Throws<DomainException>(() => job.Archive([], Moments.Later));

        Assert.Equal("job_archived", error.Code);
        Assert.Equal(Moments.Now.AddHours(1), job.ArchivedAt);
        Assert.Equal(eventsBefore, job.DomainEvents.Count);
    }

    [Fact]
    public void Hire_WhenJobIsArchived_RefusesWithJobArchived()
    {
        var job = NewJob();
        job.Archive([], Moments.Now.AddHours(1));

        var error = Assert.Throws<DomainException>(() => Contract.Hire(job, Parties.Trainer, Moments.Later));

        Assert.Equal("job_archived", error.Code);
    }

    private static Job NewJob() => Job.Create(Parties.Employer, "Image labelling", null, Moments.Now);

    private static List<Dictionary<string, object?>> UnresolvedIn(DomainException error) =>
        Assert.IsType<List<Dictionary<string, object?>>>(error.Details["unresolvedMilestones"]);
}
