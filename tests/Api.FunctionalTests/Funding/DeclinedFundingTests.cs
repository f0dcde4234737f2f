using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.FunctionalTests.Funding;

public sealed class DeclinedFundingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Hire_WhenCardIsDeclined_Answers402NamingTheMilestoneAndContract()
    {
        var employer = await _api.EmployerAsync("pm_card_chargeDeclined");
        var trainer = await _api.TrainerAsync();
        var jobId = await _api.CreateJobAsync(employer);

        var response = await _api.HireAsync(employer, jobId, trainer);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.PaymentRequired, "card_declined");
        Assert.Equal("generic_decline", problem.Str("declineCode"));
        Assert.Equal("not_funded", problem.Str("milestoneStatus"));
        var milestone = await factory.LoadMilestoneAsync(problem.Id("milestoneId"));
        Assert.Equal(problem.Id("contractId"), milestone.ContractId.Value);
        Assert.Equal(jobId, milestone.JobId.Value);
    }

    [Fact]
    public async Task Hire_WhenCardIsDeclined_KeepsContractPendingAndMilestoneNotFundedWithTheError()
    {
        var employer = await _api.EmployerAsync("pm_card_chargeDeclined");
        var trainer = await _api.TrainerAsync();
        var jobId = await _api.CreateJobAsync(employer);

        var problem = await Expect.StatusAsync(await _api.HireAsync(employer, jobId, trainer), HttpStatusCode.PaymentRequired);

        var (contractId, milestoneId) = (problem.Id("contractId"), problem.Id("milestoneId"));
        Assert.Equal(ContractStatus.Pending, (await factory.LoadContractAsync(contractId)).Status);
        var stored = await factory.LoadMilestoneAsync(milestoneId);
        Assert.Equal(MilestoneStatus.NotFunded, stored.Status);
        Assert.Equal("generic_decline", stored.Funding.LastError?.Code);
        var milestone = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/milestones/{milestoneId}", employer), HttpStatusCode.OK);
        Assert.Equal("not_funded", milestone.Str("status"));
        Assert.Equal("generic_decline", milestone.Str("funding.lastError.code"));
        Assert.False(string.IsNullOrWhiteSpace(milestone.Str("funding.lastError.message")));
        var contract = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/contracts/{contractId}", employer), HttpStatusCode.OK);
        Assert.Equal("pending", contract.Str("contract.status"));
        Assert.Equal(0, contract.Long("escrow.funded"));
    }

    [Fact]
    public async Task Hire_WhenCardIsDeclined_IssuesAFailedFundingInvoice()
    {
        var employer = await _api.EmployerAsync("pm_card_chargeDeclined");
        var trainer = await _api.TrainerAsync();
        var jobId = await _api.CreateJobAsync(employer);

        var problem = await Expect.StatusAsync(await _api.HireAsync(employer, jobId, trainer), HttpStatusCode.PaymentRequired);

        var invoice = Assert.Single(await factory.LoadInvoicesOfMilestoneAsync(problem.Id("milestoneId")));
        Assert.Equal(problem.Id("invoiceId"), invoice.Id.Value);
        Assert.Equal(InvoiceKind.EmployerFunding, invoice.Kind);
        Assert.Equal(BillingType.FixedPriceMilestone, invoice.BillingType);
        Assert.Equal(InvoicePaymentStatus.Failed, invoice.PaymentStatus);
        Assert.Equal(55_995, invoice.Total.Amount);
        Assert.Null(invoice.PaidAt);
        var listed = await Expect.StatusAsync(await _api.GetAsync("/api/v1/invoices?paymentStatus=failed", employer), HttpStatusCode.OK);
        Assert.Equal(invoice.Number, Assert.Single(listed.Items()).Str("number"));
    }

    [Fact]
    public async Task Fund_AfterDeclineAndCardChange_FundsTheMilestoneAndActivatesTheContract()
    {
        var employer = await _api.EmployerAsync("pm_card_chargeDeclined");
        var trainer = await _api.TrainerAsync();
        var jobId = await _api.CreateJobAsync(employer);
        var declined = await Expect.StatusAsync(await _api.HireAsync(employer, jobId, trainer), HttpStatusCode.PaymentRequired);
        var (contractId, milestoneId) = (declined.Id("contractId"), declined.Id("milestoneId"));

        await _api.AttachPaymentMethodAsync(employer, "pm_card_visa");
        var funding = await _api.FundedAsync(employer, milestoneId);

        Assert.Equal("succeeded", funding.Str("outcome"));
        Assert.Equal("active_funded", funding.Str("milestone.status"));
        Assert.Equal(2, funding.Get("milestone.funding.attempts").GetInt32());
        Assert.True(funding.IsNull("milestone.funding.lastError"));
        Assert.Equal(ContractStatus.Active, (await factory.LoadContractAsync(contractId)).Status);
        var stored = await factory.LoadMilestoneAsync(milestoneId);
        Assert.Equal(MilestoneStatus.ActiveFunded, stored.Status);
        Assert.Null(stored.Funding.LastError);
        var invoices = await factory.LoadInvoicesOfMilestoneAsync(milestoneId);
        Assert.Equal([(1, InvoicePaymentStatus.Failed), (2, InvoicePaymentStatus.Paid)], invoices.OrderBy(i => i.FundingAttempt).Select(i => (i.FundingAttempt ?? 0, i.PaymentStatus)));
        Assert.Equal(funding.Id("invoiceId"), invoices.Single(i => i.PaymentStatus == InvoicePaymentStatus.Paid).Id.Value);
    }

    [Fact]
    public async Task Fund_WhenCardIsDeclinedOnALaterMilestone_Answers402AndLeavesTheActiveContractAlone()
    {
        var world = await _api.ContractWorldAsync();
        await _api.AttachPaymentMethodAsync(world.Employer, "pm_card_chargeDeclined");

        var response = await _api.PostAsync($"/api/v1/milestones/{world.UnfundedMilestoneId}/fund", world.Employer);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.PaymentRequired, "card_declined");
        Assert.Equal(world.UnfundedMilestoneId, problem.Id("milestoneId"));
        Assert.Equal(world.ContractId, problem.Id("contractId"));
        Assert.Equal(MilestoneStatus.NotFunded, (await factory.LoadMilestoneAsync(world.UnfundedMilestoneId)).Status);
        Assert.Equal(ContractStatus.Active, (await factory.LoadContractAsync(world.ContractId)).Status);
    }
}
