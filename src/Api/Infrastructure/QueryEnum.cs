using System.Reflection;
using FluentValidation;
using FluentValidation.Results;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// A query-string filter over an enum, with the JSON names (<c>?status=active_funded</c>). A value
/// that is not exactly one of them answers 400 naming the parameter and the allowed values. The OpenAPI
/// document describes the parameter with the enum's own schema.
/// </summary>
public readonly record struct QueryEnum<TEnum>(TEnum Value)
    where TEnum : struct, Enum
{
    public static ValueTask<QueryEnum<TEnum>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parameter);
        var field = parameter.Name!;
        var values = context.Request.Query[field];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return ValueTask.FromResult<QueryEnum<TEnum>?>(null);
        }

        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (values.Count == 1 && string.Equals(StrictEnumConverterFactory.WireName(candidate), values[0], StringComparison.Ordinal))
            {
                return ValueTask.FromResult<QueryEnum<TEnum>?>(new QueryEnum<TEnum>(candidate));
            }
        }

        var allowed = string.Join(", ", StrictEnumConverterFactory.WireNames(typeof(TEnum)));
        throw new ValidationException([new ValidationFailure(field, $"'{field}' must be one of: {allowed}.")]);
    }
}
