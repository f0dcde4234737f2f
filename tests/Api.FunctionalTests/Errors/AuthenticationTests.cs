using System.Net;
using System.Text;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

public sealed class AuthenticationTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    private const string OtherKey = "somebody-elses-signing-key-of-at-least-32-bytes!!";

    private static readonly Dictionary<string, Func<string?>> _badAuthorizations = new()
    {
        ["no header"] = () => null,
        ["empty bearer"] = () => "Bearer ",
        ["garbage"] = () => "Bearer not.a.jwt",
        ["basic scheme"] = () => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ada:secret")),
        ["signed with another key"] = () => "Bearer " + Tokens.Create(Guid.NewGuid().ToString(), "employer", signingKey: OtherKey),
        ["expired"] = () => "Bearer " + Tokens.Create(Guid.NewGuid().ToString(), "employer", notBefore: DateTime.UtcNow.AddHours(-3), expires: DateTime.UtcNow.AddHours(-1)),
        ["not valid yet"] = () => "Bearer " + Tokens.Create(Guid.NewGuid().ToString(), "employer", notBefore: DateTime.UtcNow.AddHours(1), expires: DateTime.UtcNow.AddHours(2)),
        ["wrong issuer"] = () => "Bearer " + Tokens.Create(Guid.NewGuid().ToString(), "employer", issuer: "evil"),
        ["wrong audience"] = () => "Bearer " + Tokens.Create(Guid.NewGuid().ToString(), "employer", audience: "another-api"),
        ["unsigned (alg none)"] = () => "Bearer " + Unsigned(),
        ["signature stripped"] = () => "Bearer " + string.Join('.', Tokens.Create(Guid.NewGuid().ToString(), "employer").Split('.')[..2]) + ".",
    };

    private static readonly Dictionary<string, (string Method, string Path)> _routes = new()
    {
        ["me"] = ("GET", "/api/v1/me"),
        ["list jobs"] = ("GET", "/api/v1/jobs"),
        ["create job"] = ("POST", "/api/v1/jobs"),
        ["hire"] = ("POST", "/api/v1/jobs/{job}/contracts"),
        ["get contract"] = ("GET", "/api/v1/contracts/{contract}"),
        ["fund"] = ("POST", "/api/v1/milestones/{unfunded}/fund"),
        ["approve"] = ("POST", "/api/v1/milestones/{funded}/approve"),
        ["invoices"] = ("GET", "/api/v1/invoices/{invoice}"),
        ["billing"] = ("GET", "/api/v1/billing"),
        ["payment method"] = ("POST", "/api/v1/billing/payment-methods"),
    };

    public static TheoryData<string> BadAuthorizations => [.. _badAuthorizations.Keys];

    public static TheoryData<string> Routes => [.. _routes.Keys];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Request_WhenTokenIsMissing_Answers401ProblemAndWritesNothing(string route)
    {
        var (method, path) = _routes[route];
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendWithAuthorizationAsync(RouteTemplate.Method(method), RouteTemplate.Fill(path, fixture.World), authorization: null);

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(BadAuthorizations))]
    public async Task Request_WhenTokenIsInvalid_Answers401ProblemAndWritesNothing(string token)
    {
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendWithAuthorizationAsync(HttpMethod.Post, $"/api/v1/milestones/{fixture.World.FundedMilestoneId}/approve", _badAuthorizations[token]());

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Fact]
    public async Task Request_WhenTokenIsSignedCorrectly_IsAccepted()
    {
        var response = await fixture.Api.SendWithAuthorizationAsync(HttpMethod.Get, "/api/v1/jobs", "Bearer " + Tokens.Create(fixture.World.Employer.Id.ToString(), "employer"));

        var jobs = await Expect.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(fixture.World.JobId, Assert.Single(jobs.Items()).Id());
    }

    [Theory]
    [InlineData("role superuser", "superuser", true)]
    [InlineData("role in capitals", "Employer", true)]
    [InlineData("subject not a uuid", "employer", false)]
    public async Task Request_WhenSignedTokenCarriesAnUnknownRoleOrSubject_Answers401(string name, string role, bool uuidSubject)
    {
        Assert.NotEmpty(name);
        var token = Tokens.Create(uuidSubject ? Guid.NewGuid().ToString() : "ada", role);

        var response = await fixture.Api.SendWithAuthorizationAsync(HttpMethod.Get, "/api/v1/jobs", "Bearer " + token);

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static string Unsigned()
    {
        static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return $"{Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Encode($"{{\"sub\":\"{Guid.NewGuid()}\",\"role\":\"employer\",\"iss\":\"{Tokens.Issuer}\",\"aud\":\"{Tokens.Audience}\",\"exp\":{exp}}}")}.";
    }
}
