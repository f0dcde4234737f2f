using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenTrain.Clean.Api.Infrastructure.OpenApi;

/// <summary>
/// Object schemas say what the serializer does, read from the same JSON contract the API uses:
/// <list type="bullet">
/// <item><c>required</c>: every member the reader requires (a constructor parameter without a default)
/// and every member that is only ever written (nothing is left out when null, so responses always carry it);</item>
/// <item>nullable (OpenAPI 3.1 <c>type: [..., "null"]</c>, or <c>anyOf</c> with <c>null</c> around a
/// reference) exactly where the nullability annotations allow null;</item>
/// <item>integers of 64 bits are money in minor units, and say so;</item>
/// <item>an enum member that a property never holds (<see cref="DeniedValuesAttribute"/>) is not offered.</item>
/// </list>
/// </summary>
internal sealed class JsonContractSchemaFilter(IOptions<JsonOptions> json) : ISchemaFilter
{
    private const string MinorUnits = "Integer minor units of the currency (50000 = $500.00).";

    private readonly JsonSerializerOptions _options = json.Value.SerializerOptions;

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.MemberInfo is not null || schema is not OpenApiSchema { Properties.Count: > 0 } objectSchema)
        {
            return;
        }

        var contract = _options.GetTypeInfo(context.Type);
        if (contract.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        objectSchema.Required ??= new SortedSet<string>(StringComparer.Ordinal);
        foreach (var property in contract.Properties)
        {
            if (!objectSchema.Properties.TryGetValue(property.Name, out var propertySchema))
            {
                continue;
            }

            var onlyWritten = property.Get is not null && property.Set is null && property.AssociatedParameter is null;
            if (property.IsRequired || onlyWritten)
            {
                objectSchema.Required.Add(property.Name);
            }
            else
            {
                objectSchema.Required.Remove(property.Name);
            }

            propertySchema = WithoutDeniedValues(propertySchema, property, context);
            propertySchema = WithNullability(propertySchema, property.IsGetNullable || property.IsSetNullable);
            if ((Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) == typeof(long) && propertySchema is OpenApiSchema money
                && !(money.Description?.Contains("minor units", StringComparison.Ordinal) ?? false))
            {
                money.Description = string.IsNullOrEmpty(money.Description) ? MinorUnits : $"{money.Description.TrimEnd()} {MinorUnits}";
            }

            objectSchema.Properties[property.Name] = propertySchema;
        }
    }

    private static IOpenApiSchema WithNullability(IOpenApiSchema schema, bool nullable)
    {
        switch (schema)
        {
            case OpenApiSchemaReference reference when nullable:
                return new OpenApiSchema { AnyOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }], Description = reference.Description };
            case OpenApiSchema { AnyOf.Count: > 0 } composed when !nullable:
                var members = composed.AnyOf.Where(member => member is not OpenApiSchema { Type: JsonSchemaType.Null }).ToList();
                return members.Count == 1 ? members[0] : composed;
            case OpenApiSchema { Type: { } type } concrete:
                concrete.Type = nullable ? type | JsonSchemaType.Null : type & ~JsonSchemaType.Null;
                if (nullable && concrete.Enum is { Count: > 0 } values && !values.Any(value => value is null))
                {
                    values.Add(null!);
                }

                return concrete;
            default:
                return schema;
        }
    }

    /// <summary>A property whose enum type has a member it never holds gets the enum's schema without it.</summary>
    private IOpenApiSchema WithoutDeniedValues(IOpenApiSchema schema, JsonPropertyInfo property, SchemaFilterContext context)
    {
        var member = context.Type.GetProperty(PascalCase(property.Name), BindingFlags.Public | BindingFlags.Instance);
        var parameterName = property.AssociatedParameter?.Name;
        var denied = member?.GetCustomAttribute<DeniedValuesAttribute>()
            ?? context.Type.GetConstructors().SelectMany(c => c.GetParameters()).FirstOrDefault(p => p.Name == parameterName)?.GetCustomAttribute<DeniedValuesAttribute>();
        if (denied is null)
        {
            return schema;
        }

        var enumType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var deniedNames = denied.Values.Select(value => JsonSerializer.Serialize(value, enumType, _options)).ToHashSet(StringComparer.Ordinal);
        return new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = schema.Description,
            Enum = [.. Enum.GetValues(enumType).Cast<object>()
                .Select(value => JsonSerializer.Serialize(value, enumType, _options))
                .Where(value => !deniedNames.Contains(value))
                .Select(value => JsonNode.Parse(value)!)],
        };
    }

    private static string PascalCase(string camel) => camel.Length == 0 ? camel : char.ToUpperInvariant(camel[0]) + camel[1..];
}
