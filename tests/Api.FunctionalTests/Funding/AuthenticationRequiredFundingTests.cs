using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.FunctionalTests.Funding;

/// <summary>3-D Secure: the charge waits for the employer, who confirms it with Stripe.js.</summary>
public sealed class AuthenticationRequiredFundingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Hire_WhenCardNeedsAuthentication_Answers202WithTheClientSecret()
    {
        var employer = await _api.EmployerAsync("pm_card_authenticationRequired");
        var trainer = await _api.TrainerAsync();
        var jobId = await _api.CreateJobAsync(employer);

        var response = await _api.HireAsync(employer, jobId, trainer);

        var hire = await Expect.StatusAsync(response, HttpStatusCode.Accepted);
        Assert.Equal($"/api/v1/contracts/{hire.Id("contract.id")}", response.Headers.Location?.OriginalString);
        Assert.Equal("requires_action", hire.Str("funding.outcome"));
        var secret = hire.Str("funding.clientSecret");
        Assert.False(string.IsNullOrWhiteSpace(secret));
        Assert.Equal(secret, hire.Str("funding.milestone.funding.clientSecret"));
        Assert.Equal("funding", hire.Str("funding.milestone.status"));
        Assert.Equal("pending", hire.Str("contract.status"));
    }

    [Fact]
    public async Task Hire_WhenCardNeedsAuthentication_PersistsTheAttemptAsFundingWithAPendingInvoice()
    {
        var employer = await _api.EmployerAsync("pm_card_authenticationRequired");
        var trainer = await _api.TrainerAsync();

        var hired = await _api.HireOnNewJobAsync(employer, trainer, expected: HttpStatusCode.Accepted);

        var stored = await factory.LoadMilestoneAsync(hired.MilestoneId);
        Assert.Equal(MilestoneStatus.Funding, stored.Status);
        Assert.Equal(hired.Body.Str("funding.clientSecret"), stored.Funding.ClientSecret);
        Assert.Null(stored.Funding.FundedAt);
        Assert.Equal(ContractStatus.Pending, (await factory.LoadContractAsync(hired.ContractId)).Status);
        var invoice = Assert.Single(await factory.LoadInvoicesOfMilestoneAsync(hired.MilestoneId));
        Assert.Equal(InvoicePaymentStatus.Pending, invoice.PaymentStatus);
    }

    [Fact]
    public async Task GetMilestone_WhileAuthenticationIsPending_ShowsTheClientSecretToTheEmployerOnly()
    {
        var employer = await _api.EmployerAsync("pm_card_authenticationRequired");
        var trainer = await _api.TrainerAsync();
        var hired = await _api.HireOnNewJobAsync(employer, trainer, expected: HttpStatusCode.Accepted);

        var seenByEmployer = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/milestones/{hired.MilestoneId}", employer), HttpStatusCode.OK);
        var seenByTrainer = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/milestones/{hired.MilestoneId}", trainer), HttpStatusCode.OK);

        Assert.Equal(hired.Body.Str("funding.clientSecret"), seenByEmployer.Str("funding.clientSecret"));
        Assert.Equal("funding", seenByTrainer.Str("status"));
        Assert.True(seenByTrainer.IsNull("funding.clientSecret"));
    }

    [Fact]
    public async Task Fund_WhileAuthenticationIsPending_Answers409AndChargesNothing()
    {
        var employer = await _api.EmployerAsync("pm_card_authenticationRequired");
        var trainer = await _api.TrainerAsync();
        var hired = await _api.HireOnNewJobAsync(employer, trainer, expected: HttpStatusCode.Accepted);
        var before = await factory.SnapshotAsync();
        var intents = factory.Simulator.PaymentIntents().Count;

        var response = await _api.PostAsync($"/api/v1/milestones/{hired.MilestoneId}/fund", employer);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "milestone_not_fundable");
        Assert.Equal("funding", problem.Str("milestoneStatus"));
        Assert.Equal(before, await factory.SnapshotAsync());
        Assert.Equal(intents, factory.Simulator.PaymentIntents().Count);
    }
}
