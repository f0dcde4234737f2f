using OpenTrain.Clean.Application.Payouts.Accounts;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>account.updated: the trainer's connected account, re-read from the provider (becoming enabled wakes pending payouts).</summary>
public sealed class ConnectedAccountUpdatedHandler(PayoutAccountSync sync) : IProviderEventHandler<ConnectedAccountUpdated>
{
    public async Task<WebhookOutcome> ApplyAsync(ConnectedAccountUpdated providerEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providerEvent);
        return await sync.ApplyAsync(providerEvent.AccountId, cancellationToken) ? WebhookOutcome.Applied : WebhookOutcome.Ignored;
    }
}
