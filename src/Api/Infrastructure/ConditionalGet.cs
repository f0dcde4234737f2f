using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// Single-resource reads carry a strong ETag (a hash of the JSON the caller gets) and answer a
/// matching <c>If-None-Match</c> with 304 and no body: a client polling a milestone pays one
/// hash, not a download, while nothing changed. The body is serialized once, here, and sent as is.
/// </summary>
internal static class ConditionalGet
{
    public const string ETagHeader = "ETag";
    public const string IfNoneMatchHeader = "If-None-Match";

    /// <summary>Marks a GET that answers with an ETag and honours If-None-Match (the OpenAPI conventions document both).</summary>
    public static RouteHandlerBuilder WithETag(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(Filter).WithMetadata(ETagMetadata.Instance).Produces(StatusCodes.Status304NotModified);

    private static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        if (result is not (IValueHttpResult { Value: { } value } and IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK }))
        {
            return result;
        }

        var http = context.HttpContext;
        var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var body = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json);
        var tag = $"\"{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16))}\"";
        http.Response.Headers.ETag = tag;
        return Matches(http.Request.Headers.IfNoneMatch, tag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Bytes(body, "application/json; charset=utf-8");
    }

    /// <summary>RFC 9110 13.1.2: weak comparison, a list of tags or <c>*</c>.</summary>
    private static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string tag)
    {
        foreach (var header in ifNoneMatch)
        {
            foreach (var candidate in (header ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var opaque = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
                if (opaque == "*" || string.Equals(opaque, tag, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>Endpoint metadata: this GET sends an ETag and answers If-None-Match.</summary>
internal sealed class ETagMetadata
{
    public static readonly ETagMetadata Instance = new();
}
