using System.Security.Claims;
using FluentValidation;
using ValidationFailure = FluentValidation.Results.ValidationFailure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenTrain.Clean.Api.Infrastructure;

namespace OpenTrain.Clean.Api.Endpoints;

/// <summary>Development only: mint a token for any role so a newcomer can try everything from Swagger UI.</summary>
internal static class DevEndpoints
{
    public static void MapDevTokens(this IEndpointRouteBuilder app)
    {
        app.MapPost("/dev/token", IssueToken).AllowAnonymous().WithTags("Development")
            .WithSummary("Issue a development token")
            .WithDescription("Exists only in the Development environment. Paste the accessToken into Swagger UI's Authorize button. Omit userId for a new user; pass the same userId to act as that user again.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    /// <param name="Role" example="employer">employer, trainer or admin.</param>
    public sealed record DevTokenRequest(string Role, Guid? UserId = null, string? Name = null, string? Email = null);

    public sealed record DevTokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, Guid UserId, string Role);

    private static Ok<DevTokenResponse> IssueToken(DevTokenRequest request, IOptions<AuthOptions> options, TimeProvider clock)
    {
        if (AuthClaims.ParseRole(request.Role) is null)
        {
            throw new ValidationException([new ValidationFailure("role", "'role' must be one of: employer, trainer, admin.")]);
        }

        var auth = options.Value;
        var userId = request.UserId ?? Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var expires = now.Add(auth.DevTokenLifetime);
        var claims = new List<Claim>
        {
            new(AuthClaims.Subject, userId.ToString()),
            new(AuthClaims.Role, request.Role),
            new(AuthClaims.Name, request.Name ?? $"Dev {request.Role} {userId.ToString()[..8]}"),
            new(AuthClaims.Email, request.Email ?? $"{request.Role}-{userId.ToString()[..8]}@example.test"),
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
