using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

public sealed class UpdateMilestoneValidationTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    public static TheoryData<string> Refused => [.. MilestoneInputCases.Refused.Keys];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Patch_WhenMemberIsInvalid_Answers400NamingItAndChangesNothing(string name)
    {
        var input = MilestoneInputCases.Refused[name];
        var before = await fixture.Factory.SnapshotAsync();

        var response = await PatchAsync($"{{\"{input.Member}\":{input.Json}}}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, input.Code, input.Member);
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Fact]
    public async Task Patch_WhenBodyNamesNothing_Answers400AndChangesNothing()
    {
        var before = await fixture.Factory.SnapshotAsync();

        var response = await PatchAsync("{}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", "body");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Fact]
    public async Task Patch_WhenAmountPlusFeesExceedTheChargeLimit_Answers400NamingAmountAndChangesNothing()
    {
        var before = await fixture.Factory.SnapshotAsync();

        var response = await PatchAsync("{\"amount\":99999999}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", "amount");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    private Task<HttpResponseMessage> PatchAsync(string body) =>
        fixture.Api.SendRawAsync(HttpMethod.Patch, $"/api/v1/milestones/{fixture.World.UnfundedMilestoneId}", fixture.World.Employer, body);
}
