using Microsoft.OpenApi;

namespace OpenTrain.Clean.Api.Infrastructure;

internal static class SwaggerSetup
{
    public static IServiceCollection AddOpenApiDocument(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "OpenTrain.Clean escrow payments API",
                Version = "v1",
                Description = """
                    Milestone-based escrow for hiring AI trainers. Employers fund milestones (the platform holds the
                    money), trainers submit work, employers approve, and the money is released to the trainer.
                    Amounts are integer cents with a currency; enums are snake_case strings; errors are RFC 9457
                    problem details with a machine-readable `code`. In Development, get a token from POST /dev/token
                    and use the Authorize button.
                    """,
            });
            options.AddSecurityDefinition("Bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT with sub (user id), role (employer, trainer, admin), name and email.",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("Bearer", document)] = [],
            });
            foreach (var xml in new[] { "OpenTrain.Clean.Api.xml", "OpenTrain.Clean.Application.xml" })
            {
                var path = Path.Combine(AppContext.BaseDirectory, xml);
                if (File.Exists(path))
                {
                    options.IncludeXmlComments(path);
                }
            }

            options.SupportNonNullableReferenceTypes();
            options.DocumentFilter<IntegratorEventDocumentation>();
            options.CustomSchemaIds(type => type.FullName!.Replace("OpenTrain.Clean.", string.Empty, StringComparison.Ordinal).Replace('+', '.'));
        });
        return services;
    }
}
