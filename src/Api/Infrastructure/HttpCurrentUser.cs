using System.Security.Claims;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>The caller from the validated bearer token: <c>sub</c> (a GUID), <c>role</c>, <c>name</c>, <c>email</c>.</summary>
internal sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal Principal => accessor.HttpContext?.User is { Identity.IsAuthenticated: true } user
        ? user
        : throw new InvalidOperationException("No authenticated caller in this request.");

    public UserId Id => Guid.TryParse(Principal.FindFirstValue(AuthClaims.Subject), out var id)
        ? new UserId(id)
        : throw new InvalidOperationException("The token's subject is not a user id.");

    public UserRole Role => AuthClaims.ParseRole(Principal.FindFirstValue(AuthClaims.Role))
        ?? throw new InvalidOperationException("The token carries no known role.");

    public string? Name => Principal.FindFirstValue(AuthClaims.Name);

    public string? Email => Principal.FindFirstValue(AuthClaims.Email);
}

internal static class AuthClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Name = "name";
    public const string Email = "email";

    public const string Employer = "employer";
    public const string Trainer = "trainer";
    public const string Admin = "admin";

    public static UserRole? ParseRole(string? role) => role switch
    {
        Employer => UserRole.Employer,
        Trainer => UserRole.Trainer,
        Admin => UserRole.Admin,
        _ => null,
    };
}
