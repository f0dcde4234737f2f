using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Application.IntegratorEvents.ListEvents;

namespace OpenTrain.Clean.Api.Endpoints;

/// <summary>The events feed: the same events webhooks deliver, to poll with a cursor.</summary>
internal static class EventsEndpoints
{
    public const string Tag = "Events";

    public static void MapEvents(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/v1/events").WithTags(Tag).ProducesProblem(StatusCodes.Status401Unauthorized);
        events.MapGet("/", List).WithName("ListEvents").WithSummary("Your events, oldest first, after a cursor")
            .WithDescription("""
                The events about what you can see (the catalog is in the Events tag and the IntegratorEvents.* schemas),
                in the order they were published, each exactly as a webhook delivery carries it. Pass the last id you
                processed as startingAfter to get what came after it; types (comma-separated or repeated) filters by type.
                Events are kept 30 days. The order never changes and no event ever appears below one you have seen.
                """)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    /// <param name="startingAfter">The id of the last event you processed.</param>
    /// <param name="types">Event types to keep, e.g. <c>milestone.funded,payout.paid</c>.</param>
    /// <param name="limit">1 to 100 (20 by default).</param>
    private static async Task<Ok<Page<IntegratorEventResponse>>> List(ISender sender, CancellationToken ct, Guid? startingAfter = null, string[]? types = null, int limit = Paging.DefaultLimit)
    {
        var wanted = (types ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();
        return TypedResults.Ok(await sender.Send(new ListEventsQuery(startingAfter, wanted, limit), ct));
    }
}
