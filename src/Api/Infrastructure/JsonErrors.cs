using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// Turns the serializer's refusal of a body into the member it blames and what that member must
/// hold, said in the API's words (snake_case enum names, integer minor units), never the framework's
/// type names. The member's type comes from the operation's request type and the JSON contract.
/// </summary>
internal static partial class JsonErrors
{
    public static (string Field, string Detail) Describe(JsonException json, HttpContext context)
    {
        var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
        var message = json.Message;
        var missing = MissingMembers().Match(message);
        if (missing.Success)
        {
            return (field, $"'{field}' is missing required members: {missing.Groups["members"].Value}.");
        }

        var duplicate = DuplicateMember().Match(message);
        if (duplicate.Success)
        {
            var name = field == "body" ? duplicate.Groups["name"].Value : field;
            return (name, $"'{name}' is given more than once; send each member once.");
        }

        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return (field, $"'{field}' is not a member of this request.");
        }

        if (message.Contains("null value", StringComparison.OrdinalIgnoreCase) || message.Contains("setting null", StringComparison.Ordinal))
        {
            return (field, $"'{field}' must not be null.");
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return (field, $"'{field}' {Expectation(MemberType(context, json.Path))}.");
        }

        return ("body", "The body is not valid JSON.");
    }

    /// <summary>What a value of <paramref name="type"/> looks like on the wire.</summary>
    private static string Expectation(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "has a value of the wrong type",
            _ when type == typeof(long) => "must be an integer number of minor units (50000 = $500.00), not text or a decimal",
            _ when type == typeof(int) => "must be an integer",
            _ when type == typeof(bool) => "must be true or false",
            _ when type == typeof(string) => "must be a string",
            _ when type == typeof(Guid) => "must be a UUID such as 0191c3a0-5e2b-7c4d-9f10-3a2b1c0d9e8f",
            _ when type == typeof(DateOnly) => "must be a date that exists, as YYYY-MM-DD",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "must be an ISO 8601 instant such as 2026-03-01T12:00:00Z",
            { IsEnum: true } => $"must be exactly one of: {string.Join(", ", StrictEnumConverterFactory.WireNames(type))}",
            _ => "has a value of the wrong type",
        };
    }

    /// <summary>Follows the JSON path (<c>$.firstMilestone.amount</c>) through the operation's request type.</summary>
    private static Type? MemberType(HttpContext context, string? path)
    {
        // The exception handler middleware clears the endpoint before handlers run; its feature keeps it.
        var endpoint = context.GetEndpoint() ?? context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint;
        var type = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        if (type is null || string.IsNullOrEmpty(path))
        {
            return null;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        foreach (var segment in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Split('[')[0];
            var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            if (info.Kind == JsonTypeInfoKind.Enumerable && info.ElementType is { } element)
            {
                info = options.GetTypeInfo(element);
            }

            type = info.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType;
            if (type is null)
            {
                return null;
            }

            if (segment.Contains('[', StringComparison.Ordinal) && options.GetTypeInfo(type) is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } item })
            {
                type = item;
            }
        }

        return type;
    }

    [GeneratedRegex("missing required properties including: (?<members>.+?)\\.?$")]
    private static partial Regex MissingMembers();

    [GeneratedRegex("Duplicate property '(?<name>[^']+)'")]
    private static partial Regex DuplicateMember();
}
