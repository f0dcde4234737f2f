using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Errors;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Ownership;

/// <summary>
/// Somebody else's job, contract, milestone or invoice answers 404 as if it did not exist, and
/// nothing changes. Each route also has an owner probe: the owner's request on the same route is
/// not a 404, so a 404 here is the ownership rule and not a mistyped route.
/// </summary>
public sealed class OwnershipTests(OwnershipFixture fixture) : IClassFixture<OwnershipFixture>
{
    private const string Milestone = "{\"description\":\"Pairs\",\"amount\":5000}";

    /// <param name="Intruder">"employer" or "trainer" of the other pair.</param>
    /// <param name="OwnerProbe">The owner's request on the same route (path and body) and what it answers.</param>
    private sealed record RouteCase(string Intruder, string Method, string Path, string? Body, (string Path, string? Body, HttpStatusCode Status) OwnerProbe);

    private static readonly Dictionary<string, RouteCase> _cases = new()
    {
        ["employer GET job"] = new("employer", "GET", "/api/v1/jobs/{job}", null, ("/api/v1/jobs/{job}", null, HttpStatusCode.OK)),
        ["employer archives job"] = new("employer", "POST", "/api/v1/jobs/{job}/archive", null, ("/api/v1/jobs/{job}/archive", null, HttpStatusCode.Conflict)),
        ["employer hires on job"] = new("employer", "POST", "/api/v1/jobs/{job}/contracts",
            "{\"trainerId\":\"{trainer}\",\"firstMilestone\":" + Milestone + "}",
            ("/api/v1/jobs/{job}/contracts", "{\"trainerId\":\"{trainer}\",\"firstMilestone\":{\"description\":\"Pairs\",\"amount\":49}}", HttpStatusCode.BadRequest)),
        ["employer GET contract"] = new("employer", "GET", "/api/v1/contracts/{contract}", null, ("/api/v1/contracts/{contract}", null, HttpStatusCode.OK)),
        ["employer GET payments"] = new("employer", "GET", "/api/v1/contracts/{contract}/payments", null, ("/api/v1/contracts/{contract}/payments", null, HttpStatusCode.OK)),
        ["employer lists milestones"] = new("employer", "GET", "/api/v1/contracts/{contract}/milestones", null, ("/api/v1/contracts/{contract}/milestones", null, HttpStatusCode.OK)),
        ["employer adds milestone"] = new("employer", "POST", "/api/v1/contracts/{contract}/milestones", Milestone,
            ("/api/v1/contracts/{contract}/milestones", "{\"description\":\"Pairs\",\"amount\":49}", HttpStatusCode.BadRequest)),
        ["employer GET milestone"] = new("employer", "GET", "/api/v1/milestones/{funded}", null, ("/api/v1/milestones/{funded}", null, HttpStatusCode.OK)),
        ["employer patches milestone"] = new("employer", "PATCH", "/api/v1/milestones/{unfunded}", "{\"amount\":6000}", ("/api/v1/milestones/{funded}", "{\"amount\":6000}", HttpStatusCode.Conflict)),
        ["employer funds milestone"] = new("employer", "POST", "/api/v1/milestones/{unfunded}/fund", null, ("/api/v1/milestones/{funded}/fund", null, HttpStatusCode.Conflict)),
        ["employer approves milestone"] = new("employer", "POST", "/api/v1/milestones/{funded}/approve", null, ("/api/v1/milestones/{unfunded}/approve", null, HttpStatusCode.Conflict)),
        ["employer requests changes"] = new("employer", "POST", "/api/v1/milestones/{funded}/request-changes", "{\"reason\":\"Redo\"}",
            ("/api/v1/milestones/{funded}/request-changes", "{\"reason\":\"Redo\"}", HttpStatusCode.Conflict)),
        ["employer cancels milestone"] = new("employer", "POST", "/api/v1/milestones/{unfunded}/cancel", null, ("/api/v1/milestones/{funded}/cancel", null, HttpStatusCode.Conflict)),
        ["employer GET invoice"] = new("employer", "GET", "/api/v1/invoices/{invoice}", null, ("/api/v1/invoices/{invoice}", null, HttpStatusCode.OK)),
        ["trainer GET job"] = new("trainer", "GET", "/api/v1/jobs/{job}", null, ("/api/v1/jobs/{job}", null, HttpStatusCode.OK)),
        ["trainer GET contract"] = new("trainer", "GET", "/api/v1/contracts/{contract}", null, ("/api/v1/contracts/{contract}", null, HttpStatusCode.OK)),
        ["trainer GET payments"] = new("trainer", "GET", "/api/v1/contracts/{contract}/payments", null, ("/api/v1/contracts/{contract}/payments", null, HttpStatusCode.OK)),
        ["trainer lists milestones"] = new("trainer", "GET", "/api/v1/contracts/{contract}/milestones", null, ("/api/v1/contracts/{contract}/milestones", null, HttpStatusCode.OK)),
        ["trainer GET milestone"] = new("trainer", "GET", "/api/v1/milestones/{funded}", null, ("/api/v1/milestones/{funded}", null, HttpStatusCode.OK)),
        ["trainer submits milestone"] = new("trainer", "POST", "/api/v1/milestones/{funded}/submit", "{\"note\":\"Mine\"}", ("/api/v1/milestones/{unfunded}/submit", null, HttpStatusCode.Conflict)),
    };

    public static TheoryData<string> Cases => [.. _cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_WhenResourceBelongsToAnotherPair_Answers404AndChangesNothing(string name)
    {
        var route = _cases[name];
        var owners = fixture.Owners;
        var intruder = route.Intruder == "employer" ? fixture.Others.Employer : fixture.Others.Trainer;

        var response = await SendAsync(route.Method, route.Path, route.Body, intruder);

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(fixture.Seeded, await fixture.Factory.SnapshotAsync());
        var owner = route.Intruder == "employer" ? owners.Employer : owners.Trainer;
        var probe = await SendAsync(route.Method, route.OwnerProbe.Path, route.OwnerProbe.Body, owner);
        await Expect.StatusAsync(probe, route.OwnerProbe.Status);
        Assert.Equal(fixture.Seeded, await fixture.Factory.SnapshotAsync());
    }

    [Fact]
    public async Task GetInvoice_WhenATrainerAsksForAFundingInvoice_Answers404BecauseItIsTheEmployers()
    {
        foreach (var trainer in new[] { fixture.Owners.Trainer, fixture.Others.Trainer })
        {
            var response = await fixture.Api.GetAsync($"/api/v1/invoices/{fixture.Owners.FundingInvoiceId}", trainer);

            await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        }

        await Expect.StatusAsync(await fixture.Api.GetAsync($"/api/v1/invoices/{fixture.Owners.FundingInvoiceId}", fixture.Owners.Employer), HttpStatusCode.OK);
    }

    private Task<HttpResponseMessage> SendAsync(string method, string path, string? body, Actor actor)
    {
        var url = RouteTemplate.Fill(path, fixture.Owners);
        return body is null
            ? fixture.Api.SendAsync(RouteTemplate.Method(method), url, actor)
            : fixture.Api.SendRawAsync(RouteTemplate.Method(method), url, actor, RouteTemplate.Fill(body, fixture.Owners));
    }
}
