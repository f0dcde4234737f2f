using System.Net;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>An API whose money-moving routes allow 3 calls per caller per hour (the window is long so it never rolls over mid-test).</summary>
public sealed class SafetyRateLimitedFixture : IDisposable
{
    public ApiFactory Factory { get; } = ApiFactory.Create(SafetyHost.HostOptions with
    {
        Settings = new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:MoneyPermits"] = "3",
            ["RateLimiting:MoneyWindow"] = "01:00:00",
        },
    });

    public void Dispose() => Factory.Dispose();
}

/// <summary>
/// Issue 6 §6. Guards: HttpHardening's per-caller "money" policy on hire, fund, approve and payment
/// methods (RequireRateLimiting), its 429 problem with Retry-After (OnRejected, RejectionStatusCode),
/// and that it partitions by caller and leaves other routes alone.
/// </summary>
public sealed class SafetyRateLimitingTests(SafetyRateLimitedFixture fixture) : IClassFixture<SafetyRateLimitedFixture>
{
    private readonly ApiFactory _factory = fixture.Factory;
    private readonly ApiClient _api = fixture.Factory.CreateApiClient();

    // Guards: the limit on fund: the 4th money call is refused with 429 rate_limited and Retry-After, and charges nothing.
    [Fact]
    public async Task Fund_WhenItIsTheCallersFourthMoneyCallInTheWindow_Answers429WithRetryAfterAndChargesNothing()
    {
        var (employer, hire) = await HiredAsync(); // 2 money calls: payment method, hire
        var second = await AddMilestoneAsync(employer, hire.ContractId);
        var third = await AddMilestoneAsync(employer, hire.ContractId);
        await Expect.StatusAsync(await _api.FundAsync(employer, second), HttpStatusCode.OK); // 3

        var refused = await _api.FundAsync(employer, third);

        await AssertRateLimitedAsync(refused);
        Assert.Equal(MilestoneStatus.NotFunded, (await _factory.LoadMilestoneAsync(third)).Status);
        Assert.Empty(_factory.PaymentIntentsOf(third));
    }

    // Guards: the limit on approve.
    [Fact]
    public async Task Approve_WhenItIsTheCallersFourthMoneyCallInTheWindow_Answers429AndApprovesNothing()
    {
        var (employer, hire) = await HiredAsync();
        var second = await AddMilestoneAsync(employer, hire.ContractId);
        await Expect.StatusAsync(await _api.FundAsync(employer, second), HttpStatusCode.OK); // 3

        var refused = await _api.ApproveAsync(employer, hire.MilestoneId);

        await AssertRateLimitedAsync(refused);
        Assert.Equal(MilestoneStatus.ActiveFunded, (await _factory.LoadMilestoneAsync(hire.MilestoneId)).Status);
    }

    // Guards: the limit on hire; and that another caller keeps their own allowance and GETs are never limited.
    [Fact]
    public async Task Hire_WhenItIsTheCallersFourthMoneyCallInTheWindow_Answers429WhileAnotherCallerAndReadsAreServed()
    {
        var (employer, hire) = await HiredAsync();
        var trainer = await _api.TrainerAsync();
        await Expect.StatusAsync(await _api.HireAsync(employer, await _api.CreateJobAsync(employer), trainer), HttpStatusCode.Created); // 3
        var jobId = await _api.CreateJobAsync(employer);

        var refused = await _api.HireAsync(employer, jobId, trainer);

        await AssertRateLimitedAsync(refused);
        Assert.Equal(0, await _factory.QueryAsync(db => db.Set<Contract>().CountAsync(c => c.JobId == new JobId(jobId))));

        // Another caller is not limited by this one's calls.
        var other = await _api.EmployerAsync();
        await Expect.StatusAsync(await _api.HireAsync(other, await _api.CreateJobAsync(other), trainer), HttpStatusCode.Created);

        // Reads are not money-moving: many GETs later, still served.
        for (var i = 0; i < 10; i++)
        {
            await Expect.StatusAsync(await _api.GetAsync($"/api/v1/contracts/{hire.ContractId}", employer), HttpStatusCode.OK);
        }

        // Neither are other writes.
        await Expect.StatusAsync(await _api.PostAsync($"/api/v1/contracts/{hire.ContractId}/milestones", employer, new { description = "More pairs", amount = 5_000 }), HttpStatusCode.Created);
    }

    private async Task<(Actor Employer, Hired Hire)> HiredAsync()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        return (employer, await _api.HireOnNewJobAsync(employer, trainer));
    }

    private Task<Guid> AddMilestoneAsync(Actor employer, Guid contractId) => _api.AddMilestoneAsync(employer, contractId, amount: 20_000);

    private static async Task AssertRateLimitedAsync(HttpResponseMessage response)
    {
        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await Expect.ProblemAsync(response, HttpStatusCode.TooManyRequests, "rate_limited");
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
    }
}
