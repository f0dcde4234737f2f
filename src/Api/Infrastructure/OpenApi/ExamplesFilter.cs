using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenTrain.Clean.Api.Infrastructure.OpenApi;

/// <summary>
/// A valid example for every JSON request and response body that has none, built from its schema:
/// a member's own example (from the XML docs) first, else a realistic value for its name and format. A
/// request example holds the required members and those with an example of their own (so the
/// <c>/dev/token</c> example, with no <c>userId</c>, makes a fresh user); a response example holds every
/// member. Ids are UUIDs derived from the member's name, so one resource keeps one id across examples.
/// </summary>
internal sealed class ExamplesFilter : IDocumentFilter
{
    private const int MaxDepth = 6;

    private static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        ["title"] = "Label 5,000 RLHF preference pairs",
        ["description"] = "Pairwise preference labelling for a coding assistant, with a written rationale per pair.",
        ["projectName"] = "Label 5,000 RLHF preference pairs",
        ["note"] = "All 5,000 pairs are labelled; the rationale file is in the shared folder.",
        ["reason"] = "Please add rationales to the last 200 pairs.",
        ["changesRequestedReason"] = "Please add rationales to the last 200 pairs.",
        ["name"] = "Ada Lovelace",
        ["email"] = "ada.lovelace@example.com",
        ["currency"] = "USD",
        ["country"] = "US",
        ["number"] = "INV-2026-000042",
        ["tokenType"] = "Bearer",
        ["accessToken"] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTkxYzNhMC01ZTJiLTdjNGQtOWYxMC0zYTJiMWMwZDllOGYifQ.c2lnbmF0dXJl",
        ["clientSecret"] = "pi_3QxAmple00000001_secret_s3cr3t",
        ["paymentIntentId"] = "pi_3QxAmple00000001",
        ["chargeId"] = "ch_3QxAmple00000001",
        ["transferId"] = "tr_1QxAmple00000001",
        ["customerId"] = "cus_QxAmple0001",
        ["subscriptionId"] = "sub_1QxAmple00000001",
        ["connectedAccountId"] = "acct_1QxAmple0000001",
        ["paymentMethodId"] = "pm_card_visa",
        ["paymentReference"] = "pi_3QxAmple00000001",
        ["brand"] = "visa",
        ["last4"] = "4242",
        ["url"] = "https://connect.stripe.com/setup/e/acct_1QxAmple0000001/aBcDeF",
        ["code"] = "card_declined",
        ["message"] = "Your card was declined.",
        ["lastError"] = "The trainer's payout account cannot receive transfers yet.",
        ["action"] = "approved",
        ["body"] = "Ada Lovelace approved “Label 5,000 RLHF preference pairs”: $500.00 is on its way.",
        ["messageType"] = "MilestoneApproved",
        ["role"] = "employer",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemas = context.SchemaRepository.Schemas;
        foreach (var operation in document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var (mediaType, content) in operation.RequestBody?.Content ?? new Dictionary<string, IOpenApiMediaType>())
            {
                if (mediaType.Contains("json", StringComparison.Ordinal) && content is OpenApiMediaType { Schema: not null, Example: null, Examples: not { Count: > 0 } } media)
                {
                    var example = Build(media.Schema, null, schemas, forRequest: true, depth: 0);
                    if (example is JsonObject { Count: 0 })
                    {
                        // An empty example is dropped when the document is written; a named one stays.
                        media.Examples = new Dictionary<string, IOpenApiExample>
                        {
                            ["empty"] = new OpenApiExample { Summary = "Nothing to send: an empty object, or no body at all", Value = example },
                        };
                    }
                    else
                    {
                        media.Example = example;
                    }
                }
            }

            foreach (var response in (operation.Responses ?? []).Values.OfType<OpenApiResponse>())
            {
                foreach (var (mediaType, content) in response.Content ?? new Dictionary<string, IOpenApiMediaType>())
                {
                    if (mediaType.Contains("json", StringComparison.Ordinal) && content is OpenApiMediaType { Schema: not null, Example: null, Examples: not { Count: > 0 } } media)
                    {
                        media.Example = Build(media.Schema, null, schemas, forRequest: false, depth: 0);
                    }
                }
            }
        }
    }

    private static JsonNode? Build(IOpenApiSchema schema, string? name, IDictionary<string, IOpenApiSchema> schemas, bool forRequest, int depth)
    {
        if (OwnExample(schema) is { } own)
        {
            return own.DeepClone();
        }

        if (schema is OpenApiSchemaReference reference)
        {
            return reference.Reference.Id is { } id && schemas.TryGetValue(id, out var target)
                ? target.Type is JsonSchemaType.Object ? Object(target, id, schemas, forRequest, depth) : Build(target, name, schemas, forRequest, depth)
                : null;
        }

        var nonNull = (schema.AnyOf ?? []).Concat(schema.OneOf ?? []).Concat(schema.AllOf ?? [])
            .FirstOrDefault(member => member is OpenApiSchemaReference || member.Type is not JsonSchemaType.Null);
        if (nonNull is not null)
        {
            return Build(nonNull, name, schemas, forRequest, depth);
        }

        if (schema.Enum is { Count: > 0 } values)
        {
            return values.FirstOrDefault(value => value is not null)?.DeepClone();
        }

        var type = (schema.Type ?? JsonSchemaType.String) & ~JsonSchemaType.Null;
        return type switch
        {
            JsonSchemaType.Object when depth < MaxDepth => Object(schema, null, schemas, forRequest, depth),
            JsonSchemaType.Array when depth < MaxDepth && schema.Items is not null => new JsonArray(Build(schema.Items, Singular(name), schemas, forRequest, depth + 1)),
            JsonSchemaType.Array => new JsonArray(),
            JsonSchemaType.Integer => schema.Format == "int64" ? 50000L : 1,
            JsonSchemaType.Number => 1.5,
            JsonSchemaType.Boolean => false,
            JsonSchemaType.String => Text(schema, name),
            _ => new JsonObject(),
        };
    }

    /// <summary>An object's members; its own <c>id</c> is named after the schema (a <c>ContractResponse</c>'s id is the <c>contractId</c> elsewhere).</summary>
    private static JsonObject Object(IOpenApiSchema schema, string? schemaId, IDictionary<string, IOpenApiSchema> schemas, bool forRequest, int depth)
    {
        var result = new JsonObject();
        foreach (var (member, memberSchema) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            var required = schema.Required?.Contains(member) ?? false;
            if (forRequest && !required && OwnExample(memberSchema) is null)
            {
                continue;
            }

            var name = member == "id" && schemaId is not null ? OwnerIdName(schemaId) : member;
            result[member] = Build(memberSchema, name, schemas, forRequest, depth + 1);
        }

        if (schema.AdditionalProperties is { } values && result.Count == 0 && !forRequest)
        {
            result["amount"] = Build(values, "amount", schemas, forRequest, depth + 1);
        }

        return result;
    }

    /// <summary>The schema's own example: <c>examples[0]</c> (OpenAPI 3.1), or the older <c>example</c> the XML docs give.</summary>
    private static JsonNode? OwnExample(IOpenApiSchema schema)
    {
#pragma warning disable CS0618 // Swashbuckle still writes the XML docs' example into the 3.0-style member.
        return schema.Examples?.FirstOrDefault() ?? schema.Example;
#pragma warning restore CS0618
    }

    private static JsonNode Text(IOpenApiSchema schema, string? name) => schema.Format switch
    {
        "uuid" => Uuid(name ?? "id"),
        "date-time" => "2026-03-02T15:04:05Z",
        "date" => "2026-04-15",
        "uri" or "uri-reference" => "https://www.opentrain.ai/docs",
        "binary" => "%PDF-1.7",
        _ when name is not null && Texts.TryGetValue(name, out var text) => text,
        _ when name is not null && (name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("Cursor", StringComparison.Ordinal)) => Uuid(name),
        _ when name is not null && name.EndsWith("At", StringComparison.Ordinal) => "2026-03-02T15:04:05Z",
        _ => name is null ? "text" : $"{name} text",
    };

    private static string OwnerIdName(string schemaId)
    {
        var owner = schemaId.EndsWith("Response", StringComparison.Ordinal) ? schemaId[..^"Response".Length] : schemaId;
        return char.ToLowerInvariant(owner[0]) + owner[1..] + "Id";
    }

    /// <summary>A stable version-7-shaped UUID per member name (<c>trainerId</c> is always the same id).</summary>
    private static string Uuid(string name)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(name))[..16];
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true).ToString();
    }

    private static string? Singular(string? name) => name switch
    {
        null => null,
        "data" or "payments" or "timeline" or "lines" or "totals" => null,
        _ when name.EndsWith('s') => name[..^1],
        _ => name,
    };
}
