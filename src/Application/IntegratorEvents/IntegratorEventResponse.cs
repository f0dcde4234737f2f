using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenTrain.Clean.Application.IntegratorEvents;

/// <summary>
/// An event, exactly as <c>GET /api/v1/events</c> returns it and a webhook delivery's body carries it.
/// </summary>
/// <param name="Id">The event id; <c>startingAfter</c> in the feed.</param>
/// <param name="Object" example="event">Always <c>event</c>.</param>
/// <param name="Type" example="milestone.funded">The catalog name.</param>
/// <param name="ApiVersion" example="v1">The API version that shaped <c>data</c>.</param>
/// <param name="Created">When the change happened (ISO 8601, UTC).</param>
/// <param name="Resource">What the event is about, with its per-resource sequence number.</param>
/// <param name="Data">The resource as the API returned it to you at that moment (a milestone, contract, invoice, payout account or subscription).</param>
public sealed record IntegratorEventResponse(
    Guid Id,
    string Object,
    string Type,
    string ApiVersion,
    DateTimeOffset Created,
    IntegratorEventResource Resource,
    JsonElement Data);

/// <summary>The resource an event is about.</summary>
/// <param name="Type" example="milestone">milestone, contract, invoice, payout_account or subscription.</param>
/// <param name="Id">The resource id (for payout_account and subscription: the trainer's or employer's user id).</param>
/// <param name="Sequence" example="3000">
/// Strictly increasing per resource, not contiguous. Deliveries can arrive out of order (a retry
/// after a later event): keep the highest sequence applied per resource and ignore an event with a lower one.
/// </param>
public sealed record IntegratorEventResource(string Type, Guid Id, long Sequence);

/// <summary>How events are written: the API's own JSON conventions (camelCase, snake_case enums).</summary>
public static class IntegratorEventJson
{
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>The body stored with the event and sent as it is; <paramref name="data"/> keeps its runtime type's shape.</summary>
    public static string Serialize(Guid id, string type, DateTimeOffset created, IntegratorEventResource resource, object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var body = new IntegratorEventResponse(id, "event", type, IntegratorEventCatalog.ApiVersion, created, resource, JsonSerializer.SerializeToElement(data, data.GetType(), Options));
        return JsonSerializer.Serialize(body, Options);
    }

    public static IntegratorEventResponse Deserialize(string body) =>
        JsonSerializer.Deserialize<IntegratorEventResponse>(body, Options) ?? throw new JsonException("An event body is empty.");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
