using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Funding;

public sealed class HireWithoutPaymentMethodTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Hire_WhenEmployerHasNoPaymentMethod_Answers409AndCreatesNothing()
    {
        var employer = await _api.EmployerAsync(paymentMethodId: null);
        var trainer = await _api.TrainerAsync();
        var jobId = await _api.CreateJobAsync(employer);
        var before = await factory.SnapshotAsync();
        var intentsBefore = factory.Simulator.PaymentIntents().Count;

        var response = await _api.HireAsync(employer, jobId, trainer);

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "payment_method_required");
        Assert.Equal(before, await factory.SnapshotAsync());
        Assert.Equal(intentsBefore, factory.Simulator.PaymentIntents().Count);
        var contracts = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/contracts?jobId={jobId}", employer), HttpStatusCode.OK);
        Assert.Empty(contracts.Items());
    }

    [Fact]
    public async Task Hire_WhenPaymentMethodIsAddedAfterARefusal_Succeeds()
    {
        var employer = await _api.EmployerAsync(paymentMethodId: null);
        var trainer = await _api.TrainerAsync();
        var jobId = await _api.CreateJobAsync(employer);
        await Expect.ProblemAsync(await _api.HireAsync(employer, jobId, trainer), HttpStatusCode.Conflict, "payment_method_required");

        await _api.AttachPaymentMethodAsync(employer, "pm_card_visa");
        var response = await _api.HireAsync(employer, jobId, trainer);

        var hire = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal(1, hire.Get("contract.milestoneCount").GetInt32());
        Assert.Equal(1, hire.Get("funding.milestone.sequence").GetInt32());
    }
}
