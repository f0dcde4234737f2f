namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>
/// Applies one kind of provider event inside the transaction that records its id (see
/// <see cref="ApplyProviderEventHandler"/>): it saves nothing itself, and answers whether the event changed anything.
/// </summary>
public interface IProviderEventHandler<in TEvent>
    where TEvent : ProviderEvent
{
    Task<WebhookOutcome> ApplyAsync(TEvent providerEvent, CancellationToken cancellationToken);
}
