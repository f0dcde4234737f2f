using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Application.WebhookEndpoints;
using OpenTrain.Clean.Application.WebhookEndpoints.CreateWebhookEndpoint;
using OpenTrain.Clean.Application.WebhookEndpoints.DeleteWebhookEndpoint;
using OpenTrain.Clean.Application.WebhookEndpoints.GetWebhookEndpoint;
using OpenTrain.Clean.Application.WebhookEndpoints.ListDeliveries;
using OpenTrain.Clean.Application.WebhookEndpoints.Redeliver;
using OpenTrain.Clean.Application.WebhookEndpoints.RollWebhookSecret;
using OpenTrain.Clean.Application.WebhookEndpoints.UpdateWebhookEndpoint;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Api.Endpoints;

/// <summary>Where an account's events are delivered (outbound webhooks), and the delivery log.</summary>
internal static class WebhookEndpointsEndpoints
{
    public const string Tag = "Webhook endpoints";

    public static void MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var endpoints = app.MapGroup("/api/v1/webhook-endpoints").WithTags(Tag).ProducesProblem(StatusCodes.Status401Unauthorized);
        endpoints.MapPost("/", Create).WithName("CreateWebhookEndpoint").WithSummary("Register a webhook endpoint")
            .WithDescription("""
                Deliveries of your events (those of the catalog you name, or "*" for all) are POSTed to url, signed with the
                secret returned here once. At most 10 per account (409 webhook_endpoint_limit_reached). Outside Development
                only https URLs whose host resolves to public addresses are accepted (422 webhook_url_refused); in Development
                loopback URLs are allowed. There is no backfill: an endpoint receives events created after it.
                """)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        endpoints.MapGet("/", List).WithName("ListWebhookEndpoints").WithSummary("List your webhook endpoints")
            .WithDescription("Newest first. A non-zero consecutiveFailures or a disabled status means the receiver needs attention.");
        var endpoint = endpoints.MapGroup("/{endpointId:guid}").ProducesProblem(StatusCodes.Status404NotFound);
        endpoint.MapGet("/", Get).WithName("GetWebhookEndpoint").WithSummary("Get a webhook endpoint")
            .WithDescription("Its url, event types, status and failure count; the secret is never shown again (roll it for a new one).");
        endpoint.MapPatch("/", Update).WithName("UpdateWebhookEndpoint").WithSummary("Change, pause or re-enable a webhook endpoint")
            .WithDescription("Members left out stay as they are. status active re-enables a disabled endpoint with its failure count at 0; status disabled pauses it. A new url is checked like at registration.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        endpoint.MapDelete("/", Delete).WithName("DeleteWebhookEndpoint").WithSummary("Delete a webhook endpoint")
            .WithDescription("Removes the endpoint and its delivery log; pending deliveries are dropped. The events stay in GET /api/v1/events.");
        endpoint.MapPost("/roll-secret", RollSecret).WithName("RollWebhookEndpointSecret").WithSummary("Roll the signing secret")
            .WithDescription("Returns a new secret, once. Until previousSecretExpiresAt (IntegratorEvents:SecretRollOverlap, 24 h by default) each delivery carries a v1 signature for the new and for the previous secret.");
        endpoint.MapGet("/deliveries", ListDeliveries).WithName("ListWebhookDeliveries").WithSummary("The endpoint's delivery log")
            .WithDescription("Newest event first: each delivery with its event, status (pending, delivered, failed), attempts, last response status and latency, next attempt, and every attempt made. Pass the last id as startingAfter for older ones.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        endpoint.MapGet("/deliveries/{deliveryId:guid}", GetDelivery).WithName("GetWebhookDelivery").WithSummary("One delivery with its attempts")
            .WithDescription("The event delivered, its status, and each attempt with its response status, latency and error.");
        endpoint.MapPost("/deliveries/{deliveryId:guid}/redeliver", Redeliver).WithName("RedeliverWebhookDelivery").WithSummary("Send a delivery again")
            .WithDescription("Queues the delivery again whatever its status, with a fresh set of 5 attempts and the same OpenTrain-Delivery id (dedupe on it). 409 webhook_endpoint_disabled: enable the endpoint first.")
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>A URL to deliver your events to.</summary>
    /// <param name="Url" example="https://hooks.example.com/opentrain">Absolute https URL (http and loopback only in Development), at most 2048 characters. Redirects are not followed.</param>
    /// <param name="EventTypes" example="[&quot;milestone.funded&quot;,&quot;payout.paid&quot;]">Catalog event types, or <c>*</c> for every event.</param>
    /// <param name="Description" example="Payroll sync">Optional, at most 500 characters.</param>
    public sealed record CreateWebhookEndpointRequest(string Url, IReadOnlyList<string> EventTypes, string? Description = null);

    /// <summary>Changes to an endpoint; members left out stay as they are.</summary>
    /// <param name="Status">active re-enables (failure count back to 0); disabled pauses.</param>
    public sealed record UpdateWebhookEndpointRequest(string? Url = null, IReadOnlyList<string>? EventTypes = null, string? Description = null, WebhookEndpointStatus? Status = null);

    private static async Task<Created<WebhookEndpointSecretResponse>> Create(CreateWebhookEndpointRequest request, ISender sender, CancellationToken ct)
    {
        var created = await sender.Send(new CreateWebhookEndpointCommand(request.Url, request.EventTypes, request.Description), ct);
        return TypedResults.Created($"/api/v1/webhook-endpoints/{created.WebhookEndpoint.Id}", created);
    }

    private static async Task<Ok<Page<WebhookEndpointResponse>>> List(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new ListWebhookEndpointsQuery(), ct));

    private static async Task<Ok<WebhookEndpointResponse>> Get(Guid endpointId, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetWebhookEndpointQuery(endpointId), ct));

    private static async Task<Ok<WebhookEndpointResponse>> Update(Guid endpointId, UpdateWebhookEndpointRequest request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new UpdateWebhookEndpointCommand(endpointId, request.Url, request.EventTypes, request.Description, request.Status), ct));

    private static async Task<Ok<WebhookEndpointDeletedResponse>> Delete(Guid endpointId, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new DeleteWebhookEndpointCommand(endpointId), ct));

    private static async Task<Ok<WebhookEndpointSecretResponse>> RollSecret(Guid endpointId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new RollWebhookSecretCommand(endpointId), ct));

    private static async Task<Ok<Page<WebhookDeliveryResponse>>> ListDeliveries(Guid endpointId, ISender sender, CancellationToken ct, QueryEnum<WebhookDeliveryStatus>? status = null, int limit = Paging.DefaultLimit, Guid? startingAfter = null) =>
        TypedResults.Ok(await sender.Send(new ListWebhookDeliveriesQuery(endpointId, status?.Value, limit, startingAfter), ct));

    private static async Task<Ok<WebhookDeliveryResponse>> GetDelivery(Guid endpointId, Guid deliveryId, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetWebhookDeliveryQuery(endpointId, deliveryId), ct));

    private static async Task<Accepted<WebhookDeliveryResponse>> Redeliver(Guid endpointId, Guid deliveryId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Accepted(
            $"/api/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}",
            await sender.Send(new RedeliverWebhookCommand(endpointId, deliveryId), ct));
}
