using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using OpenTrain.Clean.Api.Endpoints;
using OpenTrain.Clean.Application.IntegratorEvents;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// Puts the events catalog in the OpenAPI document: one schema per event type
/// (<c>IntegratorEvents.milestone.funded</c>, ...) with its data's schema and a real example, the
/// feed's <c>data</c> as one of the resources, and the delivery contract (signature, retries, ordering)
/// in the Events and Webhook endpoints tags.
/// </summary>
internal sealed class IntegratorEventDocumentation : IDocumentFilter
{
    public const string SchemaPrefix = "IntegratorEvents.";

    public const string EventsDescription = """
        Events for integrators. A change to something you can see (a milestone or contract you are a party to,
        your invoices, your payout account or subscription) becomes an event in the same transaction as the
        change: no event without its change, no change without its event. Each event has an id, a type from the
        catalog below, created, apiVersion, resource {type, id, sequence} and data: the resource as the API
        returned it to you at that moment (never re-read later).

        Read them with GET /api/v1/events?startingAfter=<last id>&types=... (oldest first, kept 30 days), or
        have them POSTed to a webhook endpoint. The feed's order never changes and never puts an event below one
        you have already seen; webhook retries can arrive after later events.

        Ordering promise: per resource, resource.sequence strictly increases with every change (not contiguous).
        Keep the highest sequence you applied per resource id and ignore an event with a lower one; the feed
        lists each resource's events in sequence order.

        Catalog:
        """;

    public const string WebhooksDescription = """
        Deliveries are POSTs of one event (Content-Type application/json, User-Agent OpenTrain-Webhooks/1.0) with
        OpenTrain-Event (the type), OpenTrain-Delivery (the delivery id: the same on every retry and redelivery,
        dedupe on it) and OpenTrain-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>.
        During a secret roll there is one v1 per valid secret; accept the delivery if any v1 matches. Verify
        against the raw body bytes and reject a t more than 5 minutes from your clock.

        A delivery counts when your endpoint answers any 2xx within 10 seconds; redirects are not followed. A
        failed attempt (non-2xx, timeout, connection error) is retried 1, 5, 30 and 120 minutes after the
        previous one; after the 5th failed attempt the delivery is failed. After 10 failed deliveries in a row
        the endpoint is disabled (status disabled, disabledReason consecutive_failures), its pending deliveries
        fail, and you are notified. Fix the receiver, PATCH status active, then redeliver.

        Deliveries to one endpoint are made one at a time; first attempts go out in the feed's order.
        """;

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(swaggerDoc);
        ArgumentNullException.ThrowIfNull(context);
        var envelope = context.SchemaGenerator.GenerateSchema(typeof(IntegratorEventResponse), context.SchemaRepository);
        var resources = new List<IOpenApiSchema>();
        foreach (var kind in IntegratorEventCatalog.Kinds)
        {
            var data = context.SchemaGenerator.GenerateSchema(kind.DataType, context.SchemaRepository);
            if (!resources.Any(r => r is OpenApiSchemaReference existing && data is OpenApiSchemaReference candidate && existing.Reference.Id == candidate.Reference.Id))
            {
                resources.Add(data);
            }

            context.SchemaRepository.Schemas[SchemaPrefix + kind.Type] = new OpenApiSchema
            {
                Description = $"{kind.Type}: {kind.Description} data is a {kind.ResourceType}.",
                AllOf =
                [
                    envelope,
                    new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "type", "data" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(kind.Type)] },
                            ["data"] = data,
                        },
                    },
                ],
                Examples = IntegratorEventExamples.ByType.TryGetValue(kind.Type, out var example) && JsonNode.Parse(example) is { } node ? [node] : null,
            };
        }

        if (context.SchemaRepository.Schemas.TryGetValue(EnvelopeSchemaId(envelope), out var envelopeSchema)
            && envelopeSchema is OpenApiSchema concrete && concrete.Properties is { } properties)
        {
            properties["data"] = new OpenApiSchema
            {
                Description = "The resource as the API returned it to you when the event happened: a milestone, contract, invoice, payout account or subscription (see resource.type).",
                OneOf = resources,
            };
        }

        // Each catalog type is also an OpenAPI 3.1 webhook: what a registered endpoint receives.
        swaggerDoc.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        foreach (var kind in IntegratorEventCatalog.Kinds)
        {
            swaggerDoc.Webhooks[kind.Type] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Post] = new OpenApiOperation
                    {
                        OperationId = "deliver" + string.Concat(kind.Type.Split('.', '_').Select(word => char.ToUpperInvariant(word[0]) + word[1..])),
                        Summary = $"{kind.Type} delivered to your webhook endpoint",
                        Description = $"{kind.Description} Signed with OpenTrain-Signature; see the Webhook endpoints tag.",
                        Tags = new HashSet<OpenApiTagReference> { new(WebhookEndpointsEndpoints.Tag, swaggerDoc) },
                        Security = [],
                        RequestBody = new OpenApiRequestBody
                        {
                            Required = true,
                            Content = new Dictionary<string, IOpenApiMediaType>
                            {
                                ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(SchemaPrefix + kind.Type, swaggerDoc) },
                            },
                        },
                        Responses = new OpenApiResponses
                        {
                            ["200"] = new OpenApiResponse { Description = "Any 2xx within 10 seconds acknowledges the delivery." },
                            ["400"] = new OpenApiResponse { Description = "Any other answer (or none in time) fails the attempt; it is retried 1, 5, 30 and 120 minutes later." },
                        },
                    },
                },
            };
        }

        Describe(swaggerDoc, EventsEndpoints.Tag, EventsDescription + Environment.NewLine
            + string.Join(Environment.NewLine, IntegratorEventCatalog.Kinds.Select(k => $"- {k.Type} ({k.ResourceType}): {k.Description}")));
        Describe(swaggerDoc, WebhookEndpointsEndpoints.Tag, WebhooksDescription);
    }

    private static void Describe(OpenApiDocument document, string name, string description)
    {
        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var existing in document.Tags.Where(t => t.Name == name).ToList())
        {
            document.Tags.Remove(existing);
        }

        document.Tags.Add(new OpenApiTag { Name = name, Description = description });
    }

    private static string EnvelopeSchemaId(IOpenApiSchema envelope) =>
        envelope is OpenApiSchemaReference reference ? reference.Reference.Id ?? string.Empty : string.Empty;
}
