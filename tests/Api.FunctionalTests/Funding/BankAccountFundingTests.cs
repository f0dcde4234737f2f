using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.FunctionalTests.Funding;

/// <summary>ACH debits settle days later: the milestone waits in <c>funding</c>.</summary>
public sealed class BankAccountFundingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Hire_WhenPayingByBankAccount_Answers202ProcessingAndKeepsTheContractPending()
    {
        var employer = await _api.EmployerAsync("pm_usBankAccount");
        var trainer = await _api.TrainerAsync();

        var hired = await _api.HireOnNewJobAsync(employer, trainer, expected: HttpStatusCode.Accepted);

        Assert.Equal("processing", hired.Body.Str("funding.outcome"));
        Assert.True(hired.Body.IsNull("funding.clientSecret"));
        Assert.Equal("funding", hired.Body.Str("funding.milestone.status"));
        Assert.Equal("pending", hired.Body.Str("contract.status"));
        Assert.Equal(MilestoneStatus.Funding, (await factory.LoadMilestoneAsync(hired.MilestoneId)).Status);
        Assert.Equal(ContractStatus.Pending, (await factory.LoadContractAsync(hired.ContractId)).Status);
        Assert.Equal(InvoicePaymentStatus.Pending, Assert.Single(await factory.LoadInvoicesOfMilestoneAsync(hired.MilestoneId)).PaymentStatus);
    }

    [Fact]
    public async Task Fund_WhenPayingByBankAccount_Answers202ProcessingWithTheMilestoneLocation()
    {
        var world = await _api.ContractWorldAsync();
        await _api.AttachPaymentMethodAsync(world.Employer, "pm_usBankAccount");

        var response = await _api.PostAsync($"/api/v1/milestones/{world.UnfundedMilestoneId}/fund", world.Employer);

        var funding = await Expect.StatusAsync(response, HttpStatusCode.Accepted);
        Assert.Equal($"/api/v1/milestones/{world.UnfundedMilestoneId}", response.Headers.Location?.OriginalString);
        Assert.Equal("processing", funding.Str("outcome"));
        Assert.Equal("funding", funding.Str("milestone.status"));
        Assert.Equal(MilestoneStatus.Funding, (await factory.LoadMilestoneAsync(world.UnfundedMilestoneId)).Status);
    }
}
