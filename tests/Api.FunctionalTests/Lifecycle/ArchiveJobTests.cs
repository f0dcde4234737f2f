using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;

namespace OpenTrain.Clean.Api.FunctionalTests.Lifecycle;

public sealed class ArchiveJobTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Archive_WhenMilestonesAreUnresolved_Answers409ListingEachWithItsStatus()
    {
        var world = await _api.ContractWorldAsync();
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{world.FundedMilestoneId}/approve", world.Employer), HttpStatusCode.OK);
        var before = await factory.SnapshotAsync();

        var response = await _api.PostAsync($"/api/v1/jobs/{world.JobId}/archive", world.Employer);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "job_has_unresolved_milestones");
        var unresolved = problem.Items("unresolvedMilestones")
            .Select(m => (m.Id(), m.Str("status")!))
            .OrderBy(m => m.Item1)
            .ToList();
        Assert.Equal(
            new[] { (world.FundedMilestoneId, "payout_pending"), (world.UnfundedMilestoneId, "not_funded") }.OrderBy(m => m.Item1),
            unresolved);
        Assert.Equal(JobStatus.Open, (await factory.LoadJobAsync(world.JobId)).Status);
        Assert.Equal(before, await factory.SnapshotAsync());
    }

    [Fact]
    public async Task Archive_WhenEveryMilestoneWasCancelled_ArchivesTheJobAndEndsItsContract()
    {
        var (employer, jobId, contractId) = await JobWithOnlyCancelledMilestonesAsync();

        var archived = await Expect.StatusAsync(await _api.PostAsync($"/api/v1/jobs/{jobId}/archive", employer), HttpStatusCode.OK);

        Assert.Equal("archived", archived.Str("status"));
        Assert.Equal(factory.Clock.GetUtcNow(), archived.Get("archivedAt").GetDateTimeOffset());
        var job = await factory.LoadJobAsync(jobId);
        Assert.Equal(JobStatus.Archived, job.Status);
        var contract = await factory.LoadContractAsync(contractId);
        Assert.Equal(ContractStatus.Ended, contract.Status);
        Assert.Equal(factory.Clock.GetUtcNow(), contract.EndedAt);
    }

    [Fact]
    public async Task AddMilestone_WhenJobIsArchived_Answers409JobArchivedAndCreatesNothing()
    {
        var (employer, jobId, contractId) = await JobWithOnlyCancelledMilestonesAsync();
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/jobs/{jobId}/archive", employer), HttpStatusCode.OK);
        var before = await factory.SnapshotAsync();

        var response = await _api.PostAsync($"/api/v1/contracts/{contractId}/milestones", employer, new { description = "More work", amount = 5_000 });

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "job_archived");
        Assert.Equal(before, await factory.SnapshotAsync());
    }

    [Fact]
    public async Task Hire_WhenJobIsArchived_Answers409JobArchivedAndCreatesNothing()
    {
        var (employer, jobId, _) = await JobWithOnlyCancelledMilestonesAsync();
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/jobs/{jobId}/archive", employer), HttpStatusCode.OK);
        await _api.AttachPaymentMethodAsync(employer, "pm_card_visa");
        var trainer = await _api.TrainerAsync();
        var before = await factory.SnapshotAsync();

        var response = await _api.HireAsync(employer, jobId, trainer);

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "job_archived");
        Assert.Equal(before, await factory.SnapshotAsync());
    }

    [Fact]
    public async Task Archive_WhenAlreadyArchived_Answers409JobArchived()
    {
        var (employer, jobId, _) = await JobWithOnlyCancelledMilestonesAsync();
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/jobs/{jobId}/archive", employer), HttpStatusCode.OK);
        var before = await factory.SnapshotAsync();

        var response = await _api.PostAsync($"/api/v1/jobs/{jobId}/archive", employer);

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "job_archived");
        Assert.Equal(before, await factory.SnapshotAsync());
    }

    /// <summary>A hire whose card is declined leaves its first milestone not funded, which the employer then cancels.</summary>
    private async Task<(Actor Employer, Guid JobId, Guid ContractId)> JobWithOnlyCancelledMilestonesAsync()
    {
        var employer = await _api.EmployerAsync("pm_card_chargeDeclined");
        var trainer = await _api.TrainerAsync();
        var jobId = await _api.CreateJobAsync(employer);
        var declined = await Expect.StatusAsync(await _api.HireAsync(employer, jobId, trainer), HttpStatusCode.PaymentRequired);
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/milestones/{declined.Id("milestoneId")}/cancel", employer), HttpStatusCode.OK);
        return (employer, jobId, declined.Id("contractId"));
    }
}
