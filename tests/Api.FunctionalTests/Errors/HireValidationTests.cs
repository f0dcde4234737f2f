using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

public sealed class HireValidationTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    public static TheoryData<string> Refused => [.. MilestoneInputCases.Refused.Keys];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Hire_WhenFirstMilestoneIsInvalid_Answers400NamingTheMemberAndCreatesNothing(string name)
    {
        var input = MilestoneInputCases.Refused[name];
        var before = await fixture.Factory.SnapshotAsync();
        var intents = fixture.Factory.Simulator.PaymentIntents().Count;

        var response = await HireAsync(MilestoneInputCases.Body(input));

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, input.Code, $"firstMilestone.{input.Member}");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
        Assert.Equal(intents, fixture.Factory.Simulator.PaymentIntents().Count);
    }

    [Fact]
    public async Task Hire_WhenTrainerIdIsEmpty_Answers400NamingTrainerIdAndCreatesNothing()
    {
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendRawAsync(HttpMethod.Post, $"/api/v1/jobs/{fixture.World.JobId}/contracts", fixture.World.Employer,
            $"{{\"trainerId\":\"{Guid.Empty}\",\"firstMilestone\":{{\"description\":\"Pairs\",\"amount\":5000}}}}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", "trainerId");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Fact]
    public async Task Hire_WhenFirstMilestoneIsMissing_Answers400AndCreatesNothing()
    {
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendRawAsync(HttpMethod.Post, $"/api/v1/jobs/{fixture.World.JobId}/contracts", fixture.World.Employer,
            $"{{\"trainerId\":\"{fixture.World.Trainer.Id}\"}}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request", "body");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Fact]
    public async Task Hire_WhenAmountPlusFeesExceedTheChargeLimit_Answers400NamingFirstMilestoneAmount()
    {
        var before = await fixture.Factory.SnapshotAsync();

        var response = await HireAsync("{\"description\":\"Pairs\",\"amount\":99999999}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", "firstMilestone.amount");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    private Task<HttpResponseMessage> HireAsync(string firstMilestone) =>
        fixture.Api.SendRawAsync(HttpMethod.Post, $"/api/v1/jobs/{fixture.World.JobId}/contracts", fixture.World.Employer,
            $"{{\"trainerId\":\"{fixture.World.Trainer.Id}\",\"firstMilestone\":{firstMilestone}}}");
}
