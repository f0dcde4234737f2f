using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.FunctionalTests.Lifecycle;

public sealed class HireTrainerTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Hire_WhenEmployerPaysByCard_CreatesActiveContractWithFundedFirstMilestone()
    {
        var employer = await _api.EmployerAsync("pm_card_visa");
        var trainer = await _api.TrainerAsync();
        var jobId = await _api.CreateJobAsync(employer);

        var response = await _api.HireAsync(employer, jobId, trainer, amount: 50_000);

        var hire = await Expect.StatusAsync(response, HttpStatusCode.Created);
        var contractId = hire.Id("contract.id");
        Assert.Equal($"/api/v1/contracts/{contractId}", response.Headers.Location?.OriginalString);
        Assert.Equal("active", hire.Str("contract.status"));
        Assert.Equal(jobId, hire.Id("contract.jobId"));
        Assert.Equal(employer.Id, hire.Id("contract.employerId"));
        Assert.Equal(trainer.Id, hire.Id("contract.trainerId"));
        Assert.Equal(factory.Clock.GetUtcNow(), hire.Get("contract.hiredAt").GetDateTimeOffset());
        Assert.Equal("succeeded", hire.Str("funding.outcome"));
        Assert.Equal("active_funded", hire.Str("funding.milestone.status"));
        Assert.Equal(1, hire.Get("funding.milestone.sequence").GetInt32());
        Assert.Equal(ApiClient.FirstMilestoneDescription, hire.Str("funding.milestone.description"));
        Assert.StartsWith("pi_", hire.Str("funding.milestone.funding.paymentIntentId"), StringComparison.Ordinal);
        Assert.True(hire.IsNull("funding.clientSecret"));

        var contract = await factory.LoadContractAsync(contractId);
        Assert.Equal(ContractStatus.Active, contract.Status);
        var milestone = await factory.LoadMilestoneAsync(hire.Id("funding.milestone.id"));
        Assert.Equal(MilestoneStatus.ActiveFunded, milestone.Status);
        Assert.Equal(contractId, milestone.ContractId.Value);
        Assert.Equal(50_000, milestone.Amount.Amount);
        Assert.NotNull(milestone.Funding.ChargeId);
        Assert.Equal(factory.Clock.GetUtcNow(), milestone.Funding.FundedAt);
    }

    [Fact]
    public async Task Hire_WhenFunded_ChargesTenPercentAndTheInitiationFeeOnTheFirstMilestoneOnly()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var hired = await _api.HireOnNewJobAsync(employer, trainer, amount: 50_000);

        var second = await _api.AddMilestoneAsync(employer, hired.ContractId, amount: 120_000);
        var third = await _api.AddMilestoneAsync(employer, hired.ContractId, amount: 12_345);

        var first = hired.Body.Get("funding.milestone.fees");
        Assert.Equal(5_000, first.Long("marketplaceFee"));
        Assert.Equal(995, first.Long("contractInitiationFee"));
        Assert.Equal(55_995, first.Long("employerTotal"));
        var secondFees = (await Expect.StatusAsync(await _api.GetAsync($"/api/v1/milestones/{second}", employer), HttpStatusCode.OK)).Get("fees");
        Assert.Equal(12_000, secondFees.Long("marketplaceFee"));
        Assert.Equal(0, secondFees.Long("contractInitiationFee"));
        Assert.Equal(132_000, secondFees.Long("employerTotal"));
        var thirdFees = (await Expect.StatusAsync(await _api.GetAsync($"/api/v1/milestones/{third}", employer), HttpStatusCode.OK)).Get("fees");
        Assert.Equal(1_235, thirdFees.Long("marketplaceFee")); // 1,234.5 cents, half-up
        Assert.Equal(13_580, thirdFees.Long("employerTotal"));
    }

    [Fact]
    public async Task Hire_WhenTrainerNeverSignedIn_Answers422AndCreatesNothing()
    {
        var employer = await _api.EmployerAsync();
        var stranger = await _api.TrainerAsync(signedIn: false);
        var jobId = await _api.CreateJobAsync(employer);
        var before = await factory.SnapshotAsync();

        var response = await _api.HireAsync(employer, jobId, stranger);

        await Expect.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "trainer_not_found", "trainerId");
        Assert.Equal(before, await factory.SnapshotAsync());
    }

    [Fact]
    public async Task Hire_WhenEmployerNamesThemselvesAsTrainer_Answers422AndCreatesNothing()
    {
        var employer = await _api.EmployerAsync();
        var jobId = await _api.CreateJobAsync(employer);
        var before = await factory.SnapshotAsync();

        var response = await _api.HireAsync(employer, jobId, employer);

        await Expect.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "trainer_not_found", "trainerId");
        Assert.Equal(before, await factory.SnapshotAsync());
    }
}
