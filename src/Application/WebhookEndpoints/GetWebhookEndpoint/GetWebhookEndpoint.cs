using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Application.WebhookEndpoints.GetWebhookEndpoint;

public sealed record GetWebhookEndpointQuery(Guid EndpointId) : IQuery<WebhookEndpointResponse>;

public sealed class GetWebhookEndpointHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetWebhookEndpointQuery, WebhookEndpointResponse>
{
    public async ValueTask<WebhookEndpointResponse> Handle(GetWebhookEndpointQuery query, CancellationToken cancellationToken)
    {
        var id = new WebhookEndpointId(query.EndpointId);
        var me = user.Id;
        var endpoint = await store.FirstOrDefaultAsync(store.Query<WebhookEndpoint>().Where(e => e.Id == id && e.OwnerId == me), cancellationToken)
            ?? throw new NotFoundException("Webhook endpoint", query.EndpointId);
        return endpoint.ToResponse();
    }
}

/// <summary>The caller's endpoints (at most 10), newest first.</summary>
public sealed record ListWebhookEndpointsQuery : IQuery<Page<WebhookEndpointResponse>>;

public sealed class ListWebhookEndpointsHandler(IReadStore store, ICurrentUser user) : IQueryHandler<ListWebhookEndpointsQuery, Page<WebhookEndpointResponse>>
{
    public async ValueTask<Page<WebhookEndpointResponse>> Handle(ListWebhookEndpointsQuery query, CancellationToken cancellationToken)
    {
        var me = user.Id;
        var endpoints = await store.ToListAsync(store.Query<WebhookEndpoint>().Where(e => e.OwnerId == me).OrderByDescending(e => e.CreatedAt), cancellationToken);
        return new Page<WebhookEndpointResponse>([.. endpoints.Select(e => e.ToResponse())], HasMore: false, NextCursor: null);
    }
}
