using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

public sealed class AddMilestoneValidationTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    public static TheoryData<string> Refused => [.. MilestoneInputCases.Refused.Keys];

    public static TheoryData<string> Accepted => [.. MilestoneInputCases.Accepted.Keys];

    /// <summary>Malformed values are named by their body member; validation failures are checked for naming in the skipped test below.</summary>
    [Theory]
    [MemberData(nameof(Refused))]
    public async Task AddMilestone_WhenMemberIsInvalid_Answers400AndCreatesNothing(string name)
    {
        var input = MilestoneInputCases.Refused[name];
        var before = await fixture.Factory.SnapshotAsync();

        var response = await AddAsync(MilestoneInputCases.Body(input));

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, input.Code, input.Code == MilestoneInputCases.MalformedRequest ? input.Member : null);
        Assert.NotEmpty(problem.Get("errors").EnumerateObject());
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Theory]
    [InlineData("amount 49, below Stripe's minimum")]
    [InlineData("description empty")]
    [InlineData("title with an escape sequence")]
    [InlineData("due date two days ago")]
    public async Task AddMilestone_WhenMemberFailsValidation_NamesTheBodyMemberInErrors(string name)
    {
        var input = MilestoneInputCases.Refused[name];

        var response = await AddAsync(MilestoneInputCases.Body(input));

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", input.Member);
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task AddMilestone_WhenMemberIsAtItsLimit_CreatesTheMilestone(string name)
    {
        var input = MilestoneInputCases.Accepted[name];

        var response = await AddAsync(MilestoneInputCases.Body(input));

        var milestone = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal("not_funded", milestone.Str("status"));
    }

    [Fact]
    public async Task AddMilestone_WhenDueDateIsTodayOnTheServerClock_CreatesIt()
    {
        var today = DateOnly.FromDateTime(fixture.Factory.Clock.GetUtcNow().UtcDateTime);

        var response = await AddAsync($"{{\"description\":\"Pairs\",\"amount\":5000,\"dueDate\":\"{today:yyyy-MM-dd}\"}}");

        var milestone = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal(today, DateOnly.Parse(milestone.Str("dueDate")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AddMilestone_WhenDueDateIsYesterdayOnTheServerClock_Answers400AndCreatesNothing()
    {
        var yesterday = DateOnly.FromDateTime(fixture.Factory.Clock.GetUtcNow().UtcDateTime).AddDays(-1);
        var before = await fixture.Factory.SnapshotAsync();

        var response = await AddAsync($"{{\"description\":\"Pairs\",\"amount\":5000,\"dueDate\":\"{yesterday:yyyy-MM-dd}\"}}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Fact]
    public async Task AddMilestone_WhenAmountIsTheLargestChargeableWithFees_CreatesIt()
    {
        var response = await AddAsync("{\"description\":\"Pairs\",\"amount\":90909090}");

        var milestone = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal(99_999_999, milestone.Long("fees.employerTotal"));
    }

    [Fact]
    public async Task AddMilestone_WhenAmountPlusFeesExceedTheChargeLimit_Answers400NamingAmountAndCreatesNothing()
    {
        var before = await fixture.Factory.SnapshotAsync();

        var response = await AddAsync("{\"description\":\"Pairs\",\"amount\":90909091}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", "amount");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    private Task<HttpResponseMessage> AddAsync(string body) =>
        fixture.Api.SendRawAsync(HttpMethod.Post, $"/api/v1/contracts/{fixture.World.ContractId}/milestones", fixture.World.Employer, body);
}
