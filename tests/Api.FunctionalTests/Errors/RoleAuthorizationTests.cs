using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

/// <summary>Each party may do only their own part, even on a contract they are on.</summary>
public sealed class RoleAuthorizationTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    private static readonly Dictionary<string, (string Actor, string Method, string Path, string? Body)> _cases = new()
    {
        ["trainer creates a job"] = ("trainer", "POST", "/api/v1/jobs", "{\"title\":\"Mine now\"}"),
        ["trainer hires"] = ("trainer", "POST", "/api/v1/jobs/{job}/contracts", "{\"trainerId\":\"{trainer}\",\"firstMilestone\":{\"description\":\"Pairs\",\"amount\":5000}}"),
        ["trainer archives the job"] = ("trainer", "POST", "/api/v1/jobs/{job}/archive", null),
        ["trainer adds a milestone"] = ("trainer", "POST", "/api/v1/contracts/{contract}/milestones", "{\"description\":\"Pay me more\",\"amount\":5000}"),
        ["trainer funds"] = ("trainer", "POST", "/api/v1/milestones/{unfunded}/fund", null),
        ["trainer approves their own work"] = ("trainer", "POST", "/api/v1/milestones/{funded}/approve", null),
        ["trainer requests changes"] = ("trainer", "POST", "/api/v1/milestones/{funded}/request-changes", "{\"reason\":\"x\"}"),
        ["trainer cancels"] = ("trainer", "POST", "/api/v1/milestones/{unfunded}/cancel", null),
        ["trainer edits the amount"] = ("trainer", "PATCH", "/api/v1/milestones/{unfunded}", "{\"amount\":9000000}"),
        ["trainer reads billing"] = ("trainer", "GET", "/api/v1/billing", null),
        ["trainer adds a payment method"] = ("trainer", "POST", "/api/v1/billing/payment-methods", "{\"paymentMethodId\":\"pm_card_visa\"}"),
        ["employer submits the work"] = ("employer", "POST", "/api/v1/milestones/{funded}/submit", "{\"note\":\"Done\"}"),
    };

    public static TheoryData<string> Cases => [.. _cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_WhenRoleMayNotDoIt_Answers403ProblemAndWritesNothing(string name)
    {
        var (actor, method, path, body) = _cases[name];
        var world = fixture.World;
        var before = await fixture.Factory.SnapshotAsync();
        var intents = fixture.Factory.Simulator.PaymentIntents().Count;

        var response = body is null
            ? await fixture.Api.SendAsync(RouteTemplate.Method(method), RouteTemplate.Fill(path, world), actor == "trainer" ? world.Trainer : world.Employer)
            : await fixture.Api.SendRawAsync(RouteTemplate.Method(method), RouteTemplate.Fill(path, world), actor == "trainer" ? world.Trainer : world.Employer, RouteTemplate.Fill(body, world));

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
        Assert.Equal(intents, fixture.Factory.Simulator.PaymentIntents().Count);
    }
}
