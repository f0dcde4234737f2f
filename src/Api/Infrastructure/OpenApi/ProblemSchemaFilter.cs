using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using OpenTrain.Clean.Application.Milestones;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenTrain.Clean.Api.Infrastructure.OpenApi;

/// <summary>
/// One <c>Problem</c> schema for every error: RFC 9457's members, our <c>code</c> (an enum of every code
/// the code base can emit, from <see cref="ProblemCodes.All"/>), <c>traceId</c>, <c>errors</c>, and the
/// extensions some problems carry. It replaces the framework's <c>ProblemDetails</c> everywhere.
/// </summary>
internal sealed class ProblemSchemaFilter : IDocumentFilter
{
    public const string SchemaId = "Problem";
    public const string MediaType = "application/problem+json";

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var status = context.SchemaGenerator.GenerateSchema(typeof(MilestoneResponse).GetProperty(nameof(MilestoneResponse.Status))!.PropertyType, context.SchemaRepository);
        context.SchemaRepository.Schemas[SchemaId] = Schema(status);
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas = context.SchemaRepository.Schemas;
        foreach (var framework in new[] { "ProblemDetails", "HttpValidationProblemDetails" })
        {
            context.SchemaRepository.Schemas.Remove(framework);
        }
    }

    private static OpenApiSchema Schema(IOpenApiSchema milestoneStatus) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem. Branch on `code`; show `detail` to people; quote `traceId` to support.",
        Required = new SortedSet<string>(StringComparer.Ordinal) { "code", "status", "title", "traceId", "type" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", Description = "`urn:opentrain:problem:` followed by the code." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the kind of problem." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong and what to do next, for people." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The machine-readable reason; stable across versions.",
                Enum = [.. ProblemCodes.All.Select(code => (JsonNode)JsonValue.Create(code)!)],
            },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Identifies this request in our logs and traces." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Per field (a JSON path such as `firstMilestone.amount`, a query parameter, or `body`): what is wrong with it.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["declineCode"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "402: the card issuer's decline code (`insufficient_funds`, `generic_decline`, ...)." },
            ["milestoneId"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", Description = "402 and 409: the milestone concerned." },
            ["contractId"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", Description = "402: the contract of the declined funding." },
            ["invoiceId"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "uuid", Description = "402: the funding invoice, marked failed." },
            ["milestoneStatus"] = milestoneStatus,
            ["action"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "409: the action the milestone's status refused (`approved`, `funded`, ...)." },
            ["unresolvedMilestones"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "409 `job_has_unresolved_milestones`: the milestones to resolve before archiving.",
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new SortedSet<string>(StringComparer.Ordinal) { "id", "status" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
                        ["status"] = milestoneStatus,
                    },
                },
            },
            ["providerCode"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "422 `payment_method_invalid`: the payment provider's reason." },
        },
    };
}

/// <summary>The description, body and headers of an error response, by status.</summary>
internal static class ProblemResponseDescriptions
{
    public static void Describe(OpenApiResponse response, int status, IReadOnlyList<string> roles, OpenApiDocument document)
    {
        var (description, code, detail) = status switch
        {
            400 => ("The request is malformed or invalid (`validation_failed`, `malformed_request`, `idempotency_key_invalid`); `errors` names each field at fault. Nothing was changed.",
                ProblemCodes.ValidationFailed, "1 field(s) are invalid: amount."),
            401 => ("The bearer token is missing, malformed, expired or not issued by this API (`unauthorized`); `detail` says which.",
                ProblemCodes.Unauthorized, "The bearer token expired at 2026-03-02T15:04:05Z; get a new one."),
            402 => ("The payment was declined (`card_declined`): `declineCode`, `milestoneId`, `contractId`, `invoiceId` and `milestoneStatus` say what happened. Add another payment method and fund again.",
                ProblemCodes.CardDeclined, "Your card was declined. Add another payment method (POST /api/v1/billing/payment-methods) and fund the milestone again (POST /api/v1/milestones/0191c3a0-5e2b-7c4d-9f10-3a2b1c0d9e8f/fund)."),
            403 => (roles.Count > 0 ? $"Only {string.Join(" or ", roles)} callers may do this (`forbidden`), or the caller is not the contract's party for this action." : "The caller may not do this (`forbidden`).",
                ProblemCodes.Forbidden, roles.Count > 0 ? $"Only an {roles[0]} may do this; your token's role is trainer." : "Your role (trainer) may not do this."),
            404 => ("Nothing at this address, or it is not the caller's (`not_found`).", ProblemCodes.NotFound, "There is nothing at this address, or it is not yours."),
            409 => ("Refused in the resource's current state (the `code` names the rule; `milestoneStatus` says where it stands), a concurrent change won (`concurrency_conflict`), or the first request with this Idempotency-Key is still running (`idempotency_request_in_progress`, with Retry-After). Nothing was changed.",
                ProblemCodes.ConcurrencyConflict, "Somebody else changed this milestone at the same time; read it again and retry."),
            413 => ("The body is larger than the API accepts (`payload_too_large`).", ProblemCodes.PayloadTooLarge, "Request bodies are limited to 262144 bytes."),
            415 => ("The body is not JSON (`unsupported_media_type`): send Content-Type: application/json.", ProblemCodes.UnsupportedMediaType, "This operation takes a JSON body: send it with Content-Type: application/json (the request's Content-Type was 'text/plain')."),
            422 => ("Well-formed but unusable: the Idempotency-Key was used for a different request (`idempotency_key_reused`), or the request names something that cannot be used (the `code` says what).",
                ProblemCodes.IdempotencyKeyReused, "This Idempotency-Key was used for a different request; use a new key."),
            429 => ("Too many money-moving requests from this caller (`rate_limited`); retry after Retry-After seconds.", ProblemCodes.RateLimited, "Too many money-moving requests; retry after 42 s."),
            502 => ("The payment provider could not be reached or answered an error (`payment_provider_unavailable`); retry with the same Idempotency-Key.",
                ProblemCodes.PaymentProviderUnavailable, "The payment provider could not be reached; try again shortly."),
            503 => ("Not available right now; retry after Retry-After seconds.", ProblemCodes.WebhookConflict, "The event could not be applied now; it will be redelivered."),
            _ => ("An error (`code` says which).", ProblemCodes.Error, "Something went wrong."),
        };
        if (string.IsNullOrEmpty(response.Description) || response.Description == ReasonPhrase(status))
        {
            response.Description = description;
        }

        var example = new JsonObject
        {
            ["type"] = $"urn:opentrain:problem:{code}",
            ["title"] = ReasonPhrase(status),
            ["status"] = status,
            ["detail"] = detail,
            ["code"] = code,
            ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        };
        if (status == StatusCodes.Status400BadRequest)
        {
            example["errors"] = new JsonObject { ["amount"] = new JsonArray("'amount' must be an integer number of minor units (50000 = $500.00), not text or a decimal.") };
        }

        response.Content = new Dictionary<string, IOpenApiMediaType>
        {
            [ProblemSchemaFilter.MediaType] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchemaFilter.SchemaId, document), Example = example },
        };
        if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status409Conflict)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = status == StatusCodes.Status409Conflict ? "Seconds to wait, when the first request with this Idempotency-Key is still running." : "Seconds to wait before retrying.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
            };
        }
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
