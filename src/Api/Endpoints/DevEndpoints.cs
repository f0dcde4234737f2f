using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Api.Endpoints;

/// <summary>Development only: mint a token for any role so a newcomer can try everything from Swagger UI.</summary>
internal static class DevEndpoints
{
    public static void MapDevTokens(this IEndpointRouteBuilder app)
    {
        app.MapPost("/dev/token", IssueDevToken).AllowAnonymous().WithTag("Development", "Development only: tokens for any role, so every call can be tried from Swagger UI. Start here.")
            .WithSummary("Issue a development token")
            .WithDescription("Exists only in the Development environment. Paste the accessToken into Swagger UI's Authorize button. Omit userId for a new user; pass the same userId to act as that user again.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    /// <summary>Who the token is for. Leave out <c>userId</c> for a new user; send it again to act as that user.</summary>
    /// <param name="Role" example="employer">The role the token carries.</param>
    /// <param name="UserId">An existing user's id (from an earlier token or GET /api/v1/me); omit for a new user.</param>
    /// <param name="Name" example="Ada Lovelace">The user's display name, printed on invoices.</param>
    /// <param name="Email" example="ada.lovelace@example.com">The user's e-mail address.</param>
    public sealed record DevTokenRequest(UserRole Role, Guid? UserId = null, string? Name = null, string? Email = null);

    /// <param name="AccessToken">Paste into Swagger UI's Authorize button, or send as Authorization: Bearer ...</param>
    /// <param name="UserId">The user's id; a trainer gives it to the employer who hires them.</param>
    public sealed record DevTokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, Guid UserId, UserRole Role);

    private static Ok<DevTokenResponse> IssueDevToken(DevTokenRequest request, IOptions<AuthOptions> options, TimeProvider clock)
    {
        var auth = options.Value;
        var userId = request.UserId ?? Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var expires = now.Add(auth.DevTokenLifetime);
        var role = StrictEnumConverterFactory.WireName(request.Role);
        var claims = new List<Claim>
        {
            new(AuthClaims.Subject, userId.ToString()),
            new(AuthClaims.Role, role),
            new(AuthClaims.Name, request.Name ?? $"Dev {role} {userId.ToString()[..8]}"),
            new(AuthClaims.Email, request.Email ?? $"{role}-{userId.ToString()[..8]}@example.test"),
        };
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(Authentication.SigningKey(auth), SecurityAlgorithms.HmacSha256),
        });
        return TypedResults.Ok(new DevTokenResponse(token, "Bearer", expires, userId, request.Role));
    }
}
