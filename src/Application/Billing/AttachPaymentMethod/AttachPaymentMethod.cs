using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Billing.GetBilling;

namespace OpenTrain.Clean.Application.Billing.AttachPaymentMethod;

/// <summary>Attaches a Stripe payment method (<c>pm_...</c>) to the employer's customer and makes it the default.</summary>
public sealed record AttachPaymentMethodCommand(string PaymentMethodId) : ICommand<BillingResponse>;

public sealed class AttachPaymentMethodValidator : AbstractValidator<AttachPaymentMethodCommand>
{
    public AttachPaymentMethodValidator()
    {
        RuleFor(c => c.PaymentMethodId).NotEmpty().MaximumLength(255)
            .Matches("^pm_[A-Za-z0-9_]+$").WithMessage("'Payment Method Id' must be a Stripe payment method id (pm_...).");
    }
}

public sealed class AttachPaymentMethodHandler(BillingProfiles profiles, IPaymentGateway payments, IReadStore store, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<AttachPaymentMethodCommand, BillingResponse>
{
    public async ValueTask<BillingResponse> Handle(AttachPaymentMethodCommand command, CancellationToken cancellationToken)
    {
        var profile = await profiles.WithCustomerAsync(cancellationToken);
        var paymentMethod = await payments.AttachPaymentMethodAsync(profile.CustomerId!, command.PaymentMethodId, cancellationToken);
        profile.SetDefaultPaymentMethod(paymentMethod, clock.GetUtcNow());
        return GetBillingHandler.ToResponse(profile, await GetBillingHandler.EscrowOfAsync(store, user.Id, cancellationToken));
    }
}
