using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Billing.Subscription;

/// <summary>
/// Agency and recruiting plans: billed by a provider subscription, separate from milestone charges.
/// While the plan's subscription is not active, milestones cannot be funded (409 subscription_required).
/// </summary>
public sealed record SubscriptionResponse(BillingPlan Plan, SubscriptionStatus Status, string? SubscriptionId);

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

public sealed class SubscribeHandler(BillingProfiles profiles, IPaymentGateway payments, ICurrentUser user, TimeProvider clock) : ICommandHandler<SubscribeCommand, SubscriptionResponse>
{
    public async ValueTask<SubscriptionResponse> Handle(SubscribeCommand command, CancellationToken cancellationToken)
    {
        var profile = await profiles.WithCustomerAsync(cancellationToken);
        if (profile.SubscriptionStatus == SubscriptionStatus.Active && profile.Plan == command.Plan)
        {
            return new SubscriptionResponse(profile.Plan, profile.SubscriptionStatus, profile.SubscriptionId);
        }

        if (profile.DefaultPaymentMethod is null)
        {
            throw new DomainException(EmployerBillingProfile.PaymentMethodRequired, "Add a payment method first (POST /api/v1/billing/payment-methods), then subscribe again.");
        }

        var result = await payments.CreateSubscriptionAsync(
            new SubscriptionRequest(profile.CustomerId!, command.Plan, $"subscribe-{user.Id.Value:N}-{command.Plan.ToString().ToLowerInvariant()}-{profile.Version}"),
            cancellationToken);
        profile.ChangePlan(command.Plan, result.Status, result.SubscriptionId, clock.GetUtcNow());
        return new SubscriptionResponse(profile.Plan, profile.SubscriptionStatus, profile.SubscriptionId);
    }
}

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
        return new SubscriptionResponse(profile.Plan, profile.SubscriptionStatus, profile.SubscriptionId);
    }
}
