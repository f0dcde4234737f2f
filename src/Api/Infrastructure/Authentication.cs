using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using OpenTrain.Clean.Infrastructure.Hosting;

namespace OpenTrain.Clean.Api.Infrastructure;

internal static class Authentication
{
    public const string EmployerOnly = "employer";
    public const string TrainerOnly = "trainer";
    public const string AdminOnly = "admin";

    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var auth = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        if (Encoding.UTF8.GetByteCount(auth.SigningKey) < 32)
        {
            throw new StartupRefusedException("Auth:SigningKey must be set to a secret of at least 32 bytes.");
        }

        if (!environment.IsDevelopment() && auth.SigningKey == AuthOptions.DevelopmentSigningKey)
        {
            throw new StartupRefusedException("Auth:SigningKey is the published Development key; set a secret of your own outside Development.");
        }

        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;

            // A token's signature and claims are checked once per token, not once per request.
            var handlers = options.TokenHandlers.Select(handler => new ValidatedTokens(handler)).ToList();
            options.TokenHandlers.Clear();
            handlers.ForEach(options.TokenHandlers.Add);
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Issuer,
                ValidAudience = auth.Audience,
                IssuerSigningKey = SigningKey(auth),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                NameClaimType = AuthClaims.Name,
                RoleClaimType = AuthClaims.Role,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            options.Events = new JwtBearerEvents
            {
                // A validly signed token must still name a user (a GUID subject) and a known role.
                OnTokenValidated = context =>
                {
                    // Exactly one role: a token naming two would pass both roles' policies (an employer acting as admin).
                    var principal = context.Principal;
                    var roles = principal?.FindAll(AuthClaims.Role).ToList() ?? [];
                    if (!Guid.TryParse(principal?.FindFirst(AuthClaims.Subject)?.Value, out _)
                        || roles.Count != 1
                        || AuthClaims.ParseRole(roles[0].Value) is null)
                    {
                        context.Fail("The token must carry a GUID subject and exactly one role: employer, trainer or admin.");
                    }

                    return Task.CompletedTask;
                },

                // The 401 problem says which of missing, malformed, expired or refused it is.
                OnChallenge = context =>
                {
                    context.HttpContext.Items[ChallengeDetailKey] = DescribeFailure(context.Request, context.AuthenticateFailure);
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(EmployerOnly, p => p.RequireRole(AuthClaims.Employer))
            .AddPolicy(TrainerOnly, p => p.RequireRole(AuthClaims.Trainer))
            .AddPolicy(AdminOnly, p => p.RequireRole(AuthClaims.Admin));
        return services;
    }

    public static SymmetricSecurityKey SigningKey(AuthOptions auth) => new(Encoding.UTF8.GetBytes(auth.SigningKey));

    private const string ChallengeDetailKey = "opentrain.auth.challenge";

    public static string DescribeChallenge(HttpContext context) =>
        context.Items[ChallengeDetailKey] as string ?? DescribeFailure(context.Request, failure: null);

    private static string DescribeFailure(HttpRequest request, Exception? failure)
    {
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return "The bearer token is missing: send Authorization: Bearer <token> (in Development, POST /dev/token issues one).";
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= "Bearer ".Length)
        {
            return "The Authorization header is malformed: it must be 'Bearer <token>'.";
        }

        return failure switch
        {
            SecurityTokenExpiredException expired => $"The bearer token expired at {expired.Expires:yyyy-MM-dd'T'HH:mm:ss'Z'}; get a new one.",
            SecurityTokenNotYetValidException notYet => $"The bearer token is not valid before {notYet.NotBefore:yyyy-MM-dd'T'HH:mm:ss'Z'}.",
            SecurityTokenMalformedException or ArgumentException => "The bearer token is malformed: it is not a signed JWT.",
            SecurityTokenInvalidIssuerException or SecurityTokenInvalidAudienceException => "The bearer token was issued for another API (issuer or audience).",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException or SecurityTokenInvalidAlgorithmException => "The bearer token is not signed by this API.",
            null => "The bearer token was not accepted.",
            _ => $"The bearer token was refused: {failure.Message}",
        };
    }

    /// <summary>Names the roles the operation's policy admits, and the caller's.</summary>
    public static string DescribeForbidden(HttpContext context)
    {
        var policies = context.RequestServices.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationPolicyProvider>();
        var roles = (context.GetEndpoint()?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() ?? [])
            .Select(data => data.Policy is null ? null : policies.GetPolicyAsync(data.Policy).GetAwaiter().GetResult())
            .SelectMany(policy => policy?.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>() ?? [])
            .SelectMany(requirement => requirement.AllowedRoles)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var caller = context.User.FindFirst(AuthClaims.Role)?.Value ?? "none";
        return roles.Count == 0
            ? $"Your role ({caller}) may not do this."
            : $"Only {string.Join(" or ", roles.Select(role => $"{("aeiou".Contains(role[0], StringComparison.Ordinal) ? "an" : "a")} {role}"))} may do this; your token's role is {caller}.";
    }
}
