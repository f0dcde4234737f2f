using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Billing.GetBilling;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Users;

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

public sealed class AttachPaymentMethodHandler(
    IRepository<EmployerBillingProfile, UserId> billingProfiles,
    IRepository<UserProfile, UserId> users,
    IPaymentGateway payments,
    ISender sender,
    ICurrentUser user,
    TimeProvider clock) : ICommandHandler<AttachPaymentMethodCommand, BillingResponse>
{
    public async ValueTask<BillingResponse> Handle(AttachPaymentMethodCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var profile = await billingProfiles.FindAsync(user.Id, cancellationToken);
        if (profile is null)
        {
            profile = EmployerBillingProfile.Open(user.Id, now);
            billingProfiles.Add(profile);
        }

        if (profile.CustomerId is null)
        {
            var employer = await users.FindAsync(user.Id, cancellationToken);
            var customerId = await payments.EnsureCustomerAsync(
                new CustomerRequest(user.Id, employer?.Name ?? user.Name ?? string.Empty, employer?.Email ?? user.Email ?? string.Empty),
                cancellationToken);
            profile.LinkCustomer(customerId);
        }

        var paymentMethod = await payments.AttachPaymentMethodAsync(profile.CustomerId!, command.PaymentMethodId, cancellationToken);
        profile.SetDefaultPaymentMethod(paymentMethod, now);
        var escrow = await sender.Send(new GetBillingQuery(), cancellationToken);
        return GetBillingHandler.ToResponse(profile, escrow.Escrow);
    }
}
