using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Billing.Subscription;

/// <summary>
/// Agency and recruiting plans: billed by a provider subscription, separate from milestone charges.
/// While the plan's subscription is not active, milestones cannot be funded (409 subscription_required).
/// </summary>
/// <param name="ClientSecret">
/// While the first payment needs the customer (3-D Secure, status incomplete): confirm it with Stripe.js
/// (<c>stripe.confirmCardPayment(clientSecret)</c>), then POST the same plan again to read the outcome.
/// </param>
public sealed record SubscriptionResponse(BillingPlan Plan, SubscriptionStatus Status, string? SubscriptionId, string? ClientSecret = null);

public sealed record GetSubscriptionQuery : IQuery<SubscriptionResponse>;

public sealed class GetSubscriptionHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetSubscriptionQuery, SubscriptionResponse>
{
    public async ValueTask<SubscriptionResponse> Handle(GetSubscriptionQuery query, CancellationToken cancellationToken)
    {
        var employerId = user.Id;
        var profile = await store.FirstOrDefaultAsync(store.Query<EmployerBillingProfile>().Where(p => p.Id == employerId), cancellationToken);
        return new SubscriptionResponse(profile?.Plan ?? BillingPlan.None, profile?.SubscriptionStatus ?? SubscriptionStatus.None, profile?.SubscriptionId);
    }
}

public sealed record SubscribeCommand(BillingPlan Plan) : ICommand<SubscriptionResponse>;

public sealed class SubscribeValidator : AbstractValidator<SubscribeCommand>
{
    public SubscribeValidator() =>
        RuleFor(c => c.Plan).Must(p => p is BillingPlan.Agency or BillingPlan.Recruiting).WithMessage("'Plan' must be agency or recruiting.");
}

public sealed class SubscribeHandler(BillingProfiles profiles, IPaymentGateway payments, ICurrentUser user) : ICommandHandler<SubscribeCommand, SubscriptionResponse>
{
    public async ValueTask<SubscriptionResponse> Handle(SubscribeCommand command, CancellationToken cancellationToken)
    {
        var profile = await profiles.WithCustomerAsync(cancellationToken);
        if (profile.SubscriptionStatus == SubscriptionStatus.Active && profile.Plan == command.Plan)
        {
            return new SubscriptionResponse(profile.Plan, profile.SubscriptionStatus, profile.SubscriptionId);
        }

        if (profile is { SubscriptionStatus: SubscriptionStatus.Incomplete, SubscriptionId: { } pending } && profile.Plan == command.Plan)
        {
            // The first payment was waiting for the customer (3-D Secure): the subscription as the provider has it now,
            // active once they confirmed it, or still incomplete with the client secret to confirm it with.
            var current = await payments.GetSubscriptionAsync(pending, cancellationToken);
            profile.ChangePlan(command.Plan, current.Status, current.SubscriptionId);
            return new SubscriptionResponse(profile.Plan, profile.SubscriptionStatus, profile.SubscriptionId, ClientSecretWhileIncomplete(current));
        }

        if (profile.DefaultPaymentMethod is null)
        {
            throw new DomainException(EmployerBillingProfile.PaymentMethodRequired, "Add a payment method before subscribing to a plan.");
        }

        var result = await payments.CreateSubscriptionAsync(
            new SubscriptionRequest(profile.CustomerId!, command.Plan, ProviderIdempotencyKeys.Subscription(user.Id, command.Plan, profile.Version)),
            cancellationToken);
        profile.ChangePlan(command.Plan, result.Status, result.SubscriptionId);
        return new SubscriptionResponse(profile.Plan, profile.SubscriptionStatus, profile.SubscriptionId, ClientSecretWhileIncomplete(result));
    }

    private static string? ClientSecretWhileIncomplete(SubscriptionResult result) =>
        result.Status == SubscriptionStatus.Incomplete ? result.ClientSecret : null;
}

public sealed record CancelSubscriptionCommand : ICommand<SubscriptionResponse>;

public sealed class CancelSubscriptionHandler(IRepository<EmployerBillingProfile, UserId> profiles, IPaymentGateway payments, ICurrentUser user)
    : ICommandHandler<CancelSubscriptionCommand, SubscriptionResponse>
{
    public async ValueTask<SubscriptionResponse> Handle(CancelSubscriptionCommand command, CancellationToken cancellationToken)
    {
        var profile = await profiles.FindAsync(user.Id, cancellationToken);
        if (profile?.SubscriptionId is null || profile.SubscriptionStatus == SubscriptionStatus.Canceled)
        {
            throw new DomainException("no_active_subscription", "There is no subscription to cancel.");
        }

        var result = await payments.CancelSubscriptionAsync(profile.SubscriptionId, cancellationToken);

        // The plan stays: an agency account keeps needing a subscription to fund milestones.
        profile.ChangePlan(profile.Plan, result.Status, result.SubscriptionId);
        return new SubscriptionResponse(profile.Plan, profile.SubscriptionStatus, profile.SubscriptionId);
    }
}
