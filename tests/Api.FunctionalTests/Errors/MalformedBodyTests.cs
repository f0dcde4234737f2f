using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

/// <summary>Bodies that are not JSON, not the right JSON, or say more than the request allows: 400 malformed_request, nothing written.</summary>
public sealed class MalformedBodyTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    private const string Milestone = "\"description\":\"Pairs\",\"amount\":5000";

    /// <param name="Field">The member <c>errors</c> must name; null where the body has no member to blame.</param>
    private sealed record BodyCase(string Method, string Path, string Body, string? Field);

    private static readonly Dictionary<string, BodyCase> _cases = new()
    {
        ["create job: not JSON"] = new("POST", "/api/v1/jobs", "{title: 'Labelling'}", null),
        ["create job: truncated"] = new("POST", "/api/v1/jobs", "{\"title\":\"Labelling", null),
        ["create job: trailing comma"] = new("POST", "/api/v1/jobs", "{\"title\":\"Labelling\",}", null),
        ["create job: a bare string"] = new("POST", "/api/v1/jobs", "\"Labelling\"", "body"),
        ["create job: missing title"] = new("POST", "/api/v1/jobs", "{}", "body"),
        ["create job: null title"] = new("POST", "/api/v1/jobs", "{\"title\":null}", "title"),
        ["create job: numeric title"] = new("POST", "/api/v1/jobs", "{\"title\":42}", "title"),
        ["create job: unknown member"] = new("POST", "/api/v1/jobs", "{\"title\":\"Labelling\",\"employerId\":\"{trainer}\"}", "employerId"),
        ["create job: status smuggled in"] = new("POST", "/api/v1/jobs", "{\"title\":\"Labelling\",\"status\":\"archived\"}", "status"),
        ["hire: amount is text"] = new("POST", "/api/v1/jobs/{job}/contracts", "{\"trainerId\":\"{trainer}\",\"firstMilestone\":{\"description\":\"Pairs\",\"amount\":\"abc\"}}", "firstMilestone.amount"),
        ["hire: amount has cents fraction"] = new("POST", "/api/v1/jobs/{job}/contracts", "{\"trainerId\":\"{trainer}\",\"firstMilestone\":{\"description\":\"Pairs\",\"amount\":5000.5}}", "firstMilestone.amount"),
        ["hire: amount overflows"] = new("POST", "/api/v1/jobs/{job}/contracts", "{\"trainerId\":\"{trainer}\",\"firstMilestone\":{\"description\":\"Pairs\",\"amount\":123456789012345678901234567890}}", "firstMilestone.amount"),
        ["hire: trainerId is not a uuid"] = new("POST", "/api/v1/jobs/{job}/contracts", "{\"trainerId\":\"tom\",\"firstMilestone\":{" + Milestone + "}}", "trainerId"),
        ["hire: unknown nested member"] = new("POST", "/api/v1/jobs/{job}/contracts", "{\"trainerId\":\"{trainer}\",\"firstMilestone\":{" + Milestone + ",\"status\":\"active_funded\"}}", "firstMilestone.status"),
        ["hire: fee smuggled in"] = new("POST", "/api/v1/jobs/{job}/contracts", "{\"trainerId\":\"{trainer}\",\"firstMilestone\":{" + Milestone + "},\"marketplaceFee\":0}", "marketplaceFee"),
        ["add milestone: amount is text"] = new("POST", "/api/v1/contracts/{contract}/milestones", "{\"description\":\"Pairs\",\"amount\":\"abc\"}", "amount"),
        ["add milestone: amount overflows"] = new("POST", "/api/v1/contracts/{contract}/milestones", "{\"description\":\"Pairs\",\"amount\":99999999999999999999999999}", "amount"),
        ["add milestone: amount in exponent form"] = new("POST", "/api/v1/contracts/{contract}/milestones", "{\"description\":\"Pairs\",\"amount\":5e3}", "amount"),
        ["add milestone: an array"] = new("POST", "/api/v1/contracts/{contract}/milestones", "[{" + Milestone + "}]", null),
        ["add milestone: status smuggled in"] = new("POST", "/api/v1/contracts/{contract}/milestones", "{" + Milestone + ",\"status\":\"paid\"}", "status"),
        ["approve: status paid"] = new("POST", "/api/v1/milestones/{funded}/approve", "{\"status\":\"paid\"}", "status"),
        ["approve: amount"] = new("POST", "/api/v1/milestones/{funded}/approve", "{\"amount\":1}", "amount"),
        ["fund: amount"] = new("POST", "/api/v1/milestones/{unfunded}/fund", "{\"amount\":50}", "amount"),
        ["fund: an array"] = new("POST", "/api/v1/milestones/{unfunded}/fund", "[]", null),
        ["cancel: reason"] = new("POST", "/api/v1/milestones/{unfunded}/cancel", "{\"reason\":\"changed my mind\"}", "reason"),
        ["archive: force"] = new("POST", "/api/v1/jobs/{job}/archive", "{\"force\":true}", "force"),
        ["submit: status"] = new("POST", "/api/v1/milestones/{funded}/submit", "{\"note\":\"Done\",\"status\":\"paid\"}", "status"),
        ["request changes: missing reason"] = new("POST", "/api/v1/milestones/{funded}/request-changes", "{}", "body"),
        ["patch: status"] = new("PATCH", "/api/v1/milestones/{unfunded}", "{\"status\":\"paid\"}", "status"),
        ["patch: amount is text"] = new("PATCH", "/api/v1/milestones/{unfunded}", "{\"amount\":\"lots\"}", "amount"),
        ["patch: due date does not exist"] = new("PATCH", "/api/v1/milestones/{unfunded}", "{\"dueDate\":\"2030-02-30\"}", "dueDate"),
        ["payment method: default flag"] = new("POST", "/api/v1/billing/payment-methods", "{\"paymentMethodId\":\"pm_card_visa\",\"default\":false}", "default"),
    };

    public static TheoryData<string> Cases => [.. _cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Send_WhenBodyIsMalformed_Answers400MalformedRequestAndWritesNothing(string name)
    {
        var (method, path, body, field) = _cases[name];
        var world = fixture.World;
        var actor = path.EndsWith("/submit", StringComparison.Ordinal) ? world.Trainer : world.Employer;
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendRawAsync(RouteTemplate.Method(method), RouteTemplate.Fill(path, world), actor, RouteTemplate.Fill(body, world));

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request", field);
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Fact]
    public async Task CreateJob_WhenBodyIsMissing_Answers400AndWritesNothing()
    {
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendRawAsync(HttpMethod.Post, "/api/v1/jobs", fixture.World.Employer, string.Empty);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Fact]
    public async Task CreateJob_WhenBodyIsNotJson_Answers415AndWritesNothing()
    {
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendRawAsync(HttpMethod.Post, "/api/v1/jobs", fixture.World.Employer, "title=Labelling", "application/x-www-form-urlencoded");

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }
}
