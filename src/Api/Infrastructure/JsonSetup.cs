using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenTrain.Clean.Api.Infrastructure;

internal static class JsonSetup
{
    /// <summary>
    /// camelCase members, enums as snake_case strings (never numbers), and a strict reader: unknown
    /// members, nulls for required values and missing required members are refused, so no request
    /// can set what it does not name (no mass assignment).
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowTrailingCommas = false;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.MaxDepth = 16;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }
}
