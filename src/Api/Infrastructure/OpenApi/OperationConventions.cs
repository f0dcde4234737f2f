using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenTrain.Clean.Api.Infrastructure.OpenApi;

/// <summary>
/// Describes each operation from what the endpoint is, not from a list: its id is the endpoint's name or
/// the handler's (<c>ApproveMilestone</c> is <c>approveMilestone</c>); anonymous endpoints declare <c>security: []</c>;
/// the errors it can answer follow from its metadata (a body, parameters, a role policy, a rate limit,
/// <c>Idempotency-Key</c>); the headers it reads and writes are declared; query filters over an enum
/// carry the enum.
/// </summary>
internal sealed class OperationConventions(IAuthorizationPolicyProvider policies) : IOperationFilter
{
    public const string BearerScheme = "Bearer";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var method = context.ApiDescription.HttpMethod ?? "GET";
        var path = context.ApiDescription.RelativePath ?? string.Empty;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var idempotent = !anonymous && method is "POST" or "PATCH" or "DELETE" && path.StartsWith("api/", StringComparison.Ordinal);

        // The endpoint's declared name (WithName) if it has one, else the handler's name: ApproveMilestone is approveMilestone.
        if (metadata.OfType<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>().LastOrDefault()?.EndpointName is { Length: > 0 } endpointName)
        {
            operation.OperationId = JsonNamingPolicy.CamelCase.ConvertName(endpointName);
        }
        else if (context.MethodInfo is { } handler && !handler.IsDefined(typeof(CompilerGeneratedAttribute), false) && !handler.Name.Contains('<', StringComparison.Ordinal))
        {
            operation.OperationId = JsonNamingPolicy.CamelCase.ConvertName(handler.Name);
        }

        DescribeQueryEnums(operation, context);
        operation.Security = anonymous
            ? []
            : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];

        var hasBody = operation.RequestBody is not null;
        var hasParameters = operation.Parameters?.Any(p => p.In == ParameterLocation.Query) ?? false;
        var hasRouteIds = operation.Parameters?.Any(p => p.In == ParameterLocation.Path) ?? false;
        var roles = RolesOf(metadata);
        var statuses = new SortedSet<int>();
        if (hasBody || hasParameters || idempotent)
        {
            statuses.Add(StatusCodes.Status400BadRequest);
        }

        if (!anonymous)
        {
            statuses.Add(StatusCodes.Status401Unauthorized);
        }

        if (roles.Count > 0)
        {
            statuses.Add(StatusCodes.Status403Forbidden);
        }

        if (hasRouteIds)
        {
            statuses.Add(StatusCodes.Status404NotFound);
        }

        if (hasBody)
        {
            statuses.Add(StatusCodes.Status413PayloadTooLarge);
            statuses.Add(StatusCodes.Status415UnsupportedMediaType);
        }

        if (idempotent)
        {
            statuses.Add(StatusCodes.Status409Conflict);
            statuses.Add(StatusCodes.Status422UnprocessableEntity);
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            statuses.Add(StatusCodes.Status429TooManyRequests);
        }

        if (path.StartsWith("api/", StringComparison.Ordinal))
        {
            // Every operation of the API reads or writes the database, which can be unreachable for a moment.
            statuses.Add(StatusCodes.Status503ServiceUnavailable);
        }

        operation.Responses ??= [];
        foreach (var status in statuses)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.ContainsKey(key))
            {
                operation.Responses[key] = new OpenApiResponse();
            }
        }

        DescribeDeclaredContent(operation, metadata, context);
        foreach (var (key, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete || !int.TryParse(key, out var status))
            {
                continue;
            }

            if (status >= 400)
            {
                ProblemResponseDescriptions.Describe(concrete, status, roles, context.Document);
            }
            else
            {
                DescribeSuccess(concrete, status, idempotent);
            }
        }

        var sorted = operation.Responses.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (key, response) in sorted)
        {
            operation.Responses[key] = response;
        }

        if (metadata.OfType<ETagMetadata>().Any())
        {
            DescribeConditionalGet(operation);
        }

        if (idempotent)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyMiddleware.HeaderName,
                In = ParameterLocation.Header,
                Required = false,
                Description = $"Makes a retry safe: a repeat with the same key (per caller, kept 24 hours) returns the first response with `{IdempotencyMiddleware.ReplayedHeader}: true`; the same key with a different request answers 422 `idempotency_key_reused`.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyMiddleware.MaxKeyLength },
                Example = System.Text.Json.Nodes.JsonValue.Create("3f0c2b9e-hire-ada-1"),
            });
        }
    }

    private static void DescribeConditionalGet(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = ConditionalGet.IfNoneMatchHeader,
            In = ParameterLocation.Header,
            Required = false,
            Description = $"The `{ConditionalGet.ETagHeader}` of a copy you hold: 304 with no body while the resource is unchanged.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = System.Text.Json.Nodes.JsonValue.Create("\"3b1f0c2a9d8e7f6a5b4c3d2e1f0a9b8c\""),
        });
        foreach (var (key, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse concrete || key is not ("200" or "304"))
            {
                continue;
            }

            if (key == "304")
            {
                concrete.Description = $"Not modified: `{ConditionalGet.IfNoneMatchHeader}` names the current `{ConditionalGet.ETagHeader}`. No body.";
                concrete.Content?.Clear();
            }

            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            concrete.Headers[ConditionalGet.ETagHeader] = new OpenApiHeader
            {
                Description = "A strong validator of this representation: send it back in If-None-Match.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }
    }

    private static void DescribeSuccess(OpenApiResponse response, int status, bool idempotent)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        if (status is StatusCodes.Status201Created or StatusCodes.Status202Accepted)
        {
            response.Headers["Location"] = new OpenApiHeader
            {
                Description = "The address of the created or affected resource.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
            };
        }

        if (idempotent)
        {
            response.Headers[IdempotencyMiddleware.ReplayedHeader] = new OpenApiHeader
            {
                Description = $"`true` when this is the stored first response to the request's `{IdempotencyMiddleware.HeaderName}`; absent otherwise.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("true")] },
            };
        }

        foreach (var (mediaType, content) in response.Content ?? new Dictionary<string, IOpenApiMediaType>())
        {
            if (content is OpenApiMediaType { Schema: null } media && !mediaType.Contains("json", StringComparison.Ordinal))
            {
                media.Schema = mediaType.StartsWith("text/", StringComparison.Ordinal)
                    ? new OpenApiSchema { Type = JsonSchemaType.String }
                    : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
            }
        }
    }

    /// <summary>
    /// Success responses declared with <c>Produces</c> and a content type but no CLR type (a PDF, a CSV
    /// stream) get that content: binary for files, a string for text; a declared type gets its schema.
    /// </summary>
    private static void DescribeDeclaredContent(OpenApiOperation operation, IList<object> metadata, OperationFilterContext context)
    {
        foreach (var declared in metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>().Where(d => d.StatusCode < 400 && d.ContentTypes.Any()))
        {
            var key = declared.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses!.TryGetValue(key, out var existing) || existing is not OpenApiResponse response)
            {
                continue;
            }

            response.Content ??= new Dictionary<string, IOpenApiMediaType>();
            foreach (var contentType in declared.ContentTypes)
            {
                if (response.Content.TryGetValue(contentType, out var media) && media.Schema is not null)
                {
                    continue;
                }

                response.Content[contentType] = new OpenApiMediaType
                {
                    Schema = declared.Type is { } type && type != typeof(void)
                        ? context.SchemaGenerator.GenerateSchema(type, context.SchemaRepository)
                        : contentType.StartsWith("text/", StringComparison.Ordinal)
                            ? new OpenApiSchema { Type = JsonSchemaType.String }
                            : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                };
            }
        }
    }

    /// <summary>A handler parameter of type <see cref="QueryEnum{TEnum}"/> is a query parameter holding the enum.</summary>
    private static void DescribeQueryEnums(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var parameter in context.MethodInfo?.GetParameters() ?? [])
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(QueryEnum<>))
            {
                continue;
            }

            operation.Parameters ??= [];
            var existing = operation.Parameters.FirstOrDefault(p => p.Name == parameter.Name);
            if (existing is not null)
            {
                operation.Parameters.Remove(existing);
            }

            operation.Parameters.Add(new OpenApiParameter
            {
                Name = parameter.Name,
                In = ParameterLocation.Query,
                Required = false,
                Description = existing?.Description ?? $"Only items with this {parameter.Name}.",
                Schema = context.SchemaGenerator.GenerateSchema(type.GetGenericArguments()[0], context.SchemaRepository),
            });
        }
    }

    private List<string> RolesOf(IList<object> metadata) => [.. metadata.OfType<IAuthorizeData>()
        .Select(data => data.Policy is null ? null : policies.GetPolicyAsync(data.Policy).GetAwaiter().GetResult())
        .SelectMany(policy => policy?.Requirements.OfType<RolesAuthorizationRequirement>() ?? [])
        .SelectMany(requirement => requirement.AllowedRoles)
        .Distinct(StringComparer.Ordinal)];
}
