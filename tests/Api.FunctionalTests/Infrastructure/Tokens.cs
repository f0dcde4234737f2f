using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenTrain.Clean.Api.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>Hand-made bearer tokens, for what <c>POST /dev/token</c> would never issue.</summary>
public static class Tokens
{
    public const string Issuer = "opentrain-clean";
    public const string Audience = "opentrain-clean-api";

    public static string Create(
        string subject,
        string role,
        string signingKey = AuthOptions.DevelopmentSigningKey,
        string issuer = Issuer,
        string audience = Audience,
        DateTime? notBefore = null,
        DateTime? expires = null)
    {
        var from = notBefore ?? DateTime.UtcNow.AddMinutes(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", role), new Claim("name", "Forged"), new Claim("email", "forged@example.test")]),
            IssuedAt = from,
            NotBefore = from,
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
