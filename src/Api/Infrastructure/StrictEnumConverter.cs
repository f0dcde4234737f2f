using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// Enums as snake_case strings, read exactly: the framework's string converter also takes
/// <c>" employer "</c>, <c>"Employer"</c>, <c>"employer, trainer"</c> and numbers, so a typo or a stray
/// space could still pick a value. The names written here are the only ones read, and the OpenAPI
/// document's enums are these same names.
/// </summary>
internal sealed class StrictEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;

    /// <summary>The wire name of an enum member: its <see cref="JsonStringEnumMemberNameAttribute"/>, else snake_case.</summary>
    public static string WireName(FieldInfo member) =>
        member.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name);

    public static string WireName<TEnum>(TEnum value)
        where TEnum : struct, Enum => WireName(typeof(TEnum).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static)!);

    public static IReadOnlyList<string> WireNames(Type enumType) =>
        [.. enumType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(WireName)];
}

internal sealed class StrictEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> Names = typeof(TEnum)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .ToFrozenDictionary(field => (TEnum)field.GetValue(null)!, StrictEnumConverterFactory.WireName);

    private static readonly FrozenDictionary<string, TEnum> Values = Names.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } name && Values.TryGetValue(name, out var value))
        {
            return value;
        }

        // No message: the serializer adds the path, and the problem handler names the allowed values.
        throw new JsonException();
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Names.TryGetValue(value, out var name) ? name : throw new JsonException($"{value} is not a named {typeof(TEnum).Name}."));
    }

    public override TEnum ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Read(ref reader, typeToConvert, options);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(Names[value]);
    }
}
