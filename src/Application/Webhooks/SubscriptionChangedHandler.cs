using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>customer.subscription.*: the employer's plan follows its current subscription, as the provider has it now.</summary>
public sealed class SubscriptionChangedHandler(IRepository<EmployerBillingProfile, UserId> profiles, IReadStore store, IPaymentGateway payments, TimeProvider clock)
    : IProviderEventHandler<SubscriptionChanged>
{
    public async Task<WebhookOutcome> ApplyAsync(SubscriptionChanged providerEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providerEvent);
        var profile = await profiles.FindByCustomerAsync(store, providerEvent.CustomerId, cancellationToken);
        if (profile is null || (profile.SubscriptionId is not null && profile.SubscriptionId != providerEvent.SubscriptionId))
        {
            // Not ours, or a replaced subscription: the profile follows its current one only.
            return WebhookOutcome.Ignored;
        }

        // Events come in any order; the subscription as it stands now is the truth.
        var current = await payments.GetSubscriptionAsync(providerEvent.SubscriptionId, cancellationToken);
        profile.ChangePlan(providerEvent.Plan ?? profile.Plan, current.Status, providerEvent.SubscriptionId, clock.GetUtcNow());
        return WebhookOutcome.Applied;
    }
}
