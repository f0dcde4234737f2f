using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Billing.Subscription;

/// <summary>Cancels the plan's subscription at the provider; the plan stays, so funding needs a new one.</summary>
public sealed record CancelSubscriptionCommand : ICommand<SubscriptionResponse>;

public sealed class CancelSubscriptionHandler(IRepository<EmployerBillingProfile, UserId> profiles, IPaymentGateway payments, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<CancelSubscriptionCommand, SubscriptionResponse>
{
    public async ValueTask<SubscriptionResponse> Handle(CancelSubscriptionCommand command, CancellationToken cancellationToken)
    {
        var profile = await profiles.FindAsync(user.Id, cancellationToken);
        if (profile?.SubscriptionId is null || profile.SubscriptionStatus == SubscriptionStatus.Canceled)
        {
            throw new DomainException(ApplicationErrors.NoActiveSubscription, "There is no subscription to cancel.");
        }

        var result = await payments.CancelSubscriptionAsync(profile.SubscriptionId, cancellationToken);

        // The plan stays: an agency account keeps needing a subscription to fund milestones.
        profile.ChangePlan(profile.Plan, result.Status, result.SubscriptionId, clock.GetUtcNow());
        return new SubscriptionResponse(profile.Plan, profile.SubscriptionStatus, profile.SubscriptionId, null);
    }
}
