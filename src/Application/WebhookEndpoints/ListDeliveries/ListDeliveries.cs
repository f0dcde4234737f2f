using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Application.WebhookEndpoints.ListDeliveries;

/// <summary>The delivery log of one endpoint, newest event first; pass the last id as <c>startingAfter</c> for older ones.</summary>
public sealed record ListWebhookDeliveriesQuery(Guid EndpointId, WebhookDeliveryStatus? Status, int Limit = Paging.DefaultLimit, Guid? StartingAfter = null)
    : IQuery<Page<WebhookDeliveryResponse>>;

public sealed class ListWebhookDeliveriesValidator : AbstractValidator<ListWebhookDeliveriesQuery>
{
    public ListWebhookDeliveriesValidator() => RuleFor(q => q.Limit).InclusiveBetween(1, Paging.MaxLimit);
}

public sealed class ListWebhookDeliveriesHandler(IReadStore store, ICurrentUser user) : IQueryHandler<ListWebhookDeliveriesQuery, Page<WebhookDeliveryResponse>>
{
    public async ValueTask<Page<WebhookDeliveryResponse>> Handle(ListWebhookDeliveriesQuery query, CancellationToken cancellationToken)
    {
        var endpointId = await store.OwnedEndpointIdAsync(query.EndpointId, user, cancellationToken);
        var deliveries = store.Query<WebhookDelivery>().Where(d => d.EndpointId == endpointId);
        if (query.Status is { } status)
        {
            deliveries = deliveries.Where(d => d.Status == status);
        }

        if (query.StartingAfter is { } after)
        {
            var afterId = new WebhookDeliveryId(after);
            var position = await store.FirstOrDefaultAsync(
                store.Query<WebhookDelivery>().Where(d => d.EndpointId == endpointId && d.Id == afterId).Select(d => (long?)d.EventPosition), cancellationToken)
                ?? throw new UnprocessableException(ApplicationErrors.DeliveryNotFound, $"No delivery {after} is in this endpoint's log.", "startingAfter");
            deliveries = deliveries.Where(d => d.EventPosition < position);
        }

        // One delivery per event and endpoint: the event's feed position orders the log on every provider.
        var rows = await store.ToListAsync(deliveries.OrderByDescending(d => d.EventPosition).Take(query.Limit + 1), cancellationToken);
        return Paging.ToPage(rows.Select(d => d.ToResponse()).ToList(), query.Limit, d => d.Id.ToString());
    }
}

public sealed record GetWebhookDeliveryQuery(Guid EndpointId, Guid DeliveryId) : IQuery<WebhookDeliveryResponse>;

public sealed class GetWebhookDeliveryHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetWebhookDeliveryQuery, WebhookDeliveryResponse>
{
    public async ValueTask<WebhookDeliveryResponse> Handle(GetWebhookDeliveryQuery query, CancellationToken cancellationToken)
    {
        var endpointId = await store.OwnedEndpointIdAsync(query.EndpointId, user, cancellationToken);
        var id = new WebhookDeliveryId(query.DeliveryId);
        var delivery = await store.FirstOrDefaultAsync(store.Query<WebhookDelivery>().Where(d => d.Id == id && d.EndpointId == endpointId), cancellationToken)
            ?? throw new NotFoundException("Webhook delivery", query.DeliveryId);
        return delivery.ToResponse();
    }
}

internal static class EndpointOwnership
{
    public static async Task<WebhookEndpointId> OwnedEndpointIdAsync(this IReadStore store, Guid endpointId, ICurrentUser user, CancellationToken cancellationToken)
    {
        var id = new WebhookEndpointId(endpointId);
        var me = user.Id;
        return await store.AnyAsync(store.Query<WebhookEndpoint>().Where(e => e.Id == id && e.OwnerId == me), cancellationToken)
            ? id
            : throw new NotFoundException("Webhook endpoint", endpointId);
    }
}
