using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>Query-string enums use the same snake_case names as JSON (<c>?status=active_funded</c>).</summary>
internal static class QueryEnum
{
    public static TEnum? Parse<TEnum>(string? value, string field)
        where TEnum : struct, Enum
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(JsonNamingPolicy.SnakeCaseLower.ConvertName(candidate.ToString()), value, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        var allowed = string.Join(", ", Enum.GetValues<TEnum>().Select(v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString())));
        throw new ValidationException([new ValidationFailure(field, $"'{field}' must be one of: {allowed}.")]);
    }
}
