using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenTrain.Clean.Api.Infrastructure;

internal static class JsonSetup
{
    /// <summary>
    /// camelCase members, enums as snake_case strings (never numbers), and a strict reader: unknown
    /// members, nulls for required values, missing required members, a member given twice and an enum
    /// name that is not exactly one of ours are refused, so no request can set what it does not name
    /// (no mass assignment) and no request means two things.
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new StrictEnumConverterFactory());
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowTrailingCommas = false;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.MaxDepth = 16;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }
}
