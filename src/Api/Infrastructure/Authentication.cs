using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

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
            throw new InvalidOperationException("Auth:SigningKey must be set to a secret of at least 32 bytes.");
        }

        if (!environment.IsDevelopment() && auth.SigningKey == AuthOptions.DevelopmentSigningKey)
        {
            throw new InvalidOperationException("Auth:SigningKey is the published Development key; set a secret of your own outside Development.");
        }

        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
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
}
