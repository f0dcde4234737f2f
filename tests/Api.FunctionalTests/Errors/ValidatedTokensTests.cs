using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Api.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

/// <summary>The cache of validated bearer tokens in front of the real JWT validation.</summary>
public sealed class ValidatedTokensTests
{
    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = Tokens.Issuer,
        ValidAudience = Tokens.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(AuthOptions.DevelopmentSigningKey)),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.Zero,
    };

    [Fact]
    public async Task ValidateTokenAsync_WhenTheSameTokenComesAgain_ValidatesItOnceAndGivesEachCallItsOwnClaims()
    {
        var inner = new CountingHandler();
        var tokens = new ValidatedTokens(inner);
        var token = Tokens.Create(Guid.NewGuid().ToString(), "employer");

        var first = await tokens.ValidateTokenAsync(token, Parameters);
        first.ClaimsIdentity.AddClaim(new Claim("role", "admin"));
        var second = await tokens.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, inner.Calls);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal(["employer"], second.ClaimsIdentity.FindAll("role").Select(c => c.Value));
        Assert.Equal(first.ClaimsIdentity.FindFirst("sub")!.Value, second.ClaimsIdentity.FindFirst("sub")!.Value);
        Assert.IsType<CaseSensitiveClaimsIdentity>(second.ClaimsIdentity);
    }

    [Fact]
    public async Task ValidateTokenAsync_WhenTheTokenHasExpiredSinceItWasKept_ValidatesItAgain()
    {
        var inner = new CountingHandler();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tokens = new ValidatedTokens(inner, clock);
        var token = Tokens.Create(Guid.NewGuid().ToString(), "employer", expires: DateTime.UtcNow.AddMinutes(10));

        await tokens.ValidateTokenAsync(token, Parameters);
        clock.Advance(TimeSpan.FromMinutes(11));
        await tokens.ValidateTokenAsync(token, Parameters);

        Assert.Equal(2, inner.Calls);
    }

    [Theory]
    [InlineData("another key")]
    [InlineData("expired")]
    [InlineData("wrong audience")]
    public async Task ValidateTokenAsync_WhenTheTokenIsRefused_RefusesItEveryTimeAndKeepsNothing(string defect)
    {
        var inner = new CountingHandler();
        var tokens = new ValidatedTokens(inner);
        var subject = Guid.NewGuid().ToString();
        var token = defect switch
        {
            "another key" => Tokens.Create(subject, "employer", signingKey: "somebody-elses-signing-key-of-at-least-32-bytes!!"),
            "expired" => Tokens.Create(subject, "employer", notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddHours(-1)),
            _ => Tokens.Create(subject, "employer", audience: "another-api"),
        };

        var first = await tokens.ValidateTokenAsync(token, Parameters);
        var second = await tokens.ValidateTokenAsync(token, Parameters);

        Assert.False(first.IsValid);
        Assert.False(second.IsValid);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(0, tokens.Count);
    }

    [Fact]
    public async Task ValidateTokenAsync_WhenMoreTokensThanTheCapacityAreValid_KeepsAtMostTheCapacityAndAcceptsEveryOne()
    {
        var tokens = new ValidatedTokens(new CountingHandler(), capacity: 3);

        foreach (var token in Enumerable.Range(0, 10).Select(_ => Tokens.Create(Guid.NewGuid().ToString(), "trainer")))
        {
            Assert.True((await tokens.ValidateTokenAsync(token, Parameters)).IsValid);
        }

        Assert.InRange(tokens.Count, 1, 3);
    }

    /// <summary>The real validation, counted.</summary>
    private sealed class CountingHandler : JsonWebTokenHandler
    {
        private int _calls;

        public CountingHandler() => MapInboundClaims = false;

        public int Calls => _calls;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _calls);
            return base.ValidateTokenAsync(token, validationParameters);
        }
    }
}
