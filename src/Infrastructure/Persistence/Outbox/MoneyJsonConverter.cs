using System.Text.Json;
using System.Text.Json.Serialization;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Infrastructure.Persistence.Outbox;

/// <summary>
/// <see cref="Money"/> in an outbox payload: <c>{"amount":50000,"currency":"USD"}</c>. Money has no
/// setters, so without this the serializer would read every amount back as zero with no currency.
/// </summary>
internal sealed class MoneyJsonConverter : JsonConverter<Money>
{
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Money is an object with an amount and a currency.");
        }

        long? amount = null;
        string? currency = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (string.Equals(name, "amount", StringComparison.OrdinalIgnoreCase))
            {
                amount = reader.GetInt64();
            }
            else if (string.Equals(name, "currency", StringComparison.OrdinalIgnoreCase))
            {
                currency = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return amount is { } value && currency is not null
            ? new Money(value, currency)
            : throw new JsonException("Money needs both an amount and a currency.");
    }

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("amount", value.Amount);
        writer.WriteString("currency", value.Currency);
        writer.WriteEndObject();
    }
}
