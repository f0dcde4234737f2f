using System.Net;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Api.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

/// <summary>A correctly signed token that names more than one role is refused: it would pass every named role's policy.</summary>
public sealed class MultipleRoleTokenTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    [Fact]
    public async Task Refund_WhenAnotherEmployersTokenAlsoClaimsAdmin_Answers401AndRefundsNothing()
    {
        var intruder = Guid.NewGuid();
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendWithAuthorizationAsync(
            HttpMethod.Post, $"/api/v1/milestones/{fixture.World.FundedMilestoneId}/refund", "Bearer " + Token(intruder, "employer", "admin"));

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Theory]
    [InlineData("employer", "admin")]
    [InlineData("trainer", "employer")]
    [InlineData("employer", "employer")]
    public async Task Me_WhenTheTokenCarriesTwoRoleClaims_Answers401(string first, string second)
    {
        var response = await fixture.Api.SendWithAuthorizationAsync(HttpMethod.Get, "/api/v1/me", "Bearer " + Token(Guid.NewGuid(), first, second));

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Me_WhenTheSameTokenShapeCarriesOneRole_Answers200()
    {
        var response = await fixture.Api.SendWithAuthorizationAsync(HttpMethod.Get, "/api/v1/me", "Bearer " + Token(Guid.NewGuid(), "employer"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Signed with the Development key, like a dev token, but with a JSON array of roles when more than one is given.</summary>
    private static string Token(Guid subject, params string[] roles)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject.ToString(),
            ["role"] = roles.Length == 1 ? roles[0] : roles,
            ["name"] = "Mallory",
        };
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Tokens.Issuer,
            Audience = Tokens.Audience,
            Claims = claims,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(AuthOptions.DevelopmentSigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
