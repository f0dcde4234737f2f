using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Application.WebhookEndpoints;

internal static class WebhookEndpointRules
{
    public static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.UserInfo)
        && string.IsNullOrEmpty(uri.Fragment);

    public static bool IsSubscribable(string? type) =>
        type is not null && (type == WebhookEndpoint.AllEventTypes || IntegratorEventCatalog.IsKnown(type));

    public static string UnknownTypeMessage(string? type) =>
        $"'{type}' is not an event type. Use \"*\" or any of: {string.Join(", ", IntegratorEventCatalog.Kinds.Select(k => k.Type))}.";

    public static async Task EnsureUrlAllowedAsync(IWebhookUrlGuard guard, string url, CancellationToken cancellationToken)
    {
        if (await guard.RefusalAsync(url, cancellationToken) is { } refusal)
        {
            throw new UnprocessableException(ApplicationErrors.WebhookUrlRefused, refusal, "url");
        }
    }

    /// <summary>The caller's endpoint for a change; anybody else's answers 404.</summary>
    public static async Task<WebhookEndpoint> LoadOwnedAsync(this IWebhookEndpointRepository endpoints, Guid id, ICurrentUser user, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.FindAsync(new WebhookEndpointId(id), cancellationToken);
        return endpoint is not null && endpoint.OwnerId == user.Id ? endpoint : throw new NotFoundException("Webhook endpoint", id);
    }
}
