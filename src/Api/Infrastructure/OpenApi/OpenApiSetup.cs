using Microsoft.OpenApi;

namespace OpenTrain.Clean.Api.Infrastructure.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document at <see cref="DocumentPath"/> and Swagger UI. What the document says is
/// derived from the code by the conventions in this folder (operation ids from handler names, schemas
/// from the JSON contract, errors from the endpoint's metadata, problem codes from the code base), so
/// a new endpoint or a renamed type is described without being listed anywhere.
/// </summary>
internal static class OpenApiSetup
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/swagger/v1/swagger.json";
    public const string UiPath = "/swagger";

    public static IServiceCollection AddOpenApiDocument(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "OpenTrain.Clean escrow payments API",
                Version = "v1",
                Description = """
                    Milestone-based escrow for hiring AI trainers. Employers fund milestones (the platform holds the
                    money), trainers submit work, employers approve, and the money is released to the trainer.

                    - Amounts are integer minor units with a currency (`50000` with `USD` is $500.00).
                    - Enums are snake_case strings; instants are ISO 8601 UTC; ids are UUIDs.
                    - Lists are pages: pass `nextCursor` (or the last id) as `startingAfter` for the next page.
                    - Every POST, PATCH and DELETE honours `Idempotency-Key`: a repeat returns the first response.
                    - Errors are RFC 9457 problem details (`application/problem+json`) with a machine-readable `code`
                      and a `traceId`; `errors` names the fields at fault.

                    In Development, get a token from `POST /dev/token` and paste it into the Authorize button.
                    """,
                Contact = new OpenApiContact { Name = "OpenTrain API support", Url = new Uri("https://www.opentrain.ai/docs") },
                License = new OpenApiLicense { Name = "Proprietary", Url = new Uri("https://www.opentrain.ai/docs") },
            });
            options.AddSecurityDefinition(OperationConventions.BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT with sub (user id), role (employer, trainer or admin), name and email.",
            });
            foreach (var xml in new[] { "OpenTrain.Clean.Api.xml", "OpenTrain.Clean.Application.xml" })
            {
                var path = Path.Combine(AppContext.BaseDirectory, xml);
                if (File.Exists(path))
                {
                    options.IncludeXmlComments(path);
                }
            }

            options.CustomSchemaIds(SchemaIds.For);
            options.SchemaFilter<JsonContractSchemaFilter>();
            options.OperationFilter<OperationConventions>();
            options.DocumentFilter<IntegratorEventDocumentation>();
            options.DocumentFilter<ProblemSchemaFilter>();
            options.DocumentFilter<TagsFilter>();
            options.DocumentFilter<ExamplesFilter>();
            options.DocumentFilter<UnusedSchemasFilter>();
        });
        return services;
    }

    /// <summary>The document (served as OpenAPI 3.1, with the caller's address as its server) and Swagger UI; both anonymous.</summary>
    public static WebApplication UseOpenApiDocument(this WebApplication app)
    {
        // Both live under /swagger: every other request skips their path matching.
        app.UseWhen(context => context.Request.Path.StartsWithSegments(UiPath, StringComparison.OrdinalIgnoreCase), swagger =>
        {
            swagger.UseSwagger(options =>
            {
                options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
                options.PreSerializeFilters.Add((document, request) =>
                    document.Servers = [new OpenApiServer { Url = $"{request.Scheme}://{request.Host}{request.PathBase}", Description = "This instance" }]);
            });
            swagger.UseSwaggerUI(options =>
            {
                options.SwaggerEndpoint(DocumentPath, "OpenTrain.Clean v1");
                options.EnablePersistAuthorization();
                options.DisplayOperationId();
            });
        });
        return app;
    }

    /// <summary>Once the server listens, says where Swagger UI is (the first run restores and builds for a while first).</summary>
    public static void LogSwaggerAddresses(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            app.Logger.LogInformation("Swagger UI: {Address}{Path} (OpenAPI document: {Address}{Document})", address.TrimEnd('/'), UiPath, address.TrimEnd('/'), DocumentPath);
        }
    }
}
