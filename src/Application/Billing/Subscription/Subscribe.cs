using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Billing.Subscription;

/// <summary>Subscribes the employer to the agency or recruiting plan at the provider.</summary>
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
            return new SubscriptionResponse(profile.Plan, profile.SubscriptionStatus, profile.SubscriptionId, null);
        }

        if (profile is { SubscriptionStatus: SubscriptionStatus.Incomplete, SubscriptionId: { } pending } && profile.Plan == command.Plan)
        {
            // The first payment was waiting for the customer (3-D Secure): the subscription as the provider has it now,
            // active once they confirmed it, or still incomplete with the client secret to confirm it with.
            var current = await payments.GetSubscriptionAsync(pending, cancellationToken);
            profile.ChangePlan(command.Plan, current.Status, current.SubscriptionId, clock.GetUtcNow());
            return new SubscriptionResponse(profile.Plan, profile.SubscriptionStatus, profile.SubscriptionId, ClientSecretWhileIncomplete(current));
        }

        if (profile.DefaultPaymentMethod is null)
        {
            throw new DomainException(EmployerBillingProfile.PaymentMethodRequired, "Add a payment method first (POST /api/v1/billing/payment-methods), then subscribe again.");
        }

        var result = await payments.CreateSubscriptionAsync(
            new SubscriptionRequest(profile.CustomerId!, command.Plan, ProviderIdempotencyKeys.Subscription(user.Id, command.Plan, profile.Version)),
            cancellationToken);
        profile.ChangePlan(command.Plan, result.Status, result.SubscriptionId, clock.GetUtcNow());
        return new SubscriptionResponse(profile.Plan, profile.SubscriptionStatus, profile.SubscriptionId, ClientSecretWhileIncomplete(result));
    }

    private static string? ClientSecretWhileIncomplete(SubscriptionResult result) =>
        result.Status == SubscriptionStatus.Incomplete ? result.ClientSecret : null;
}
