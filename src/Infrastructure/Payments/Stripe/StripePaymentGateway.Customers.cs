using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using Stripe;

namespace OpenTrain.Clean.Infrastructure.Payments.Stripe;

/// <summary>The employer's side: the Stripe customer, their payment methods and the SetupIntent that collects one.</summary>
public sealed partial class StripePaymentGateway
{
    public async Task<string> EnsureCustomerAsync(CustomerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var customer = await Call(
            "create customer",
            () => new CustomerService(client).CreateAsync(
                new CustomerCreateOptions
                {
                    Name = request.Name,
                    Email = string.IsNullOrEmpty(request.Email) ? null : request.Email,
                    Metadata = new Dictionary<string, string> { ["employer_id"] = request.EmployerId.Value.ToString() },
                },
                Idempotent(ProviderIdempotencyKeys.Customer(request.EmployerId)),
                cancellationToken));
        return customer.Id;
    }

    public async Task<PaymentMethodSummary> AttachPaymentMethodAsync(string customerId, string paymentMethodId, CancellationToken cancellationToken)
    {
        PaymentMethod method;
        try
        {
            method = await new PaymentMethodService(client).AttachAsync(
                paymentMethodId,
                new PaymentMethodAttachOptions { Customer = customerId },
                Idempotent(ProviderIdempotencyKeys.AttachPaymentMethod(customerId, paymentMethodId)),
                cancellationToken);
        }
        catch (StripeException exception) when (exception.StripeError?.Type is "invalid_request_error" or "card_error")
        {
            throw new PaymentMethodRejectedException(exception.StripeError.Code ?? exception.StripeError.Type, exception.StripeError.Message ?? "Stripe refused the payment method.");
        }

        await Call(
            "set default payment method",
            () => new CustomerService(client).UpdateAsync(
                customerId,
                new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = method.Id } },
                Idempotent(ProviderIdempotencyKeys.DefaultPaymentMethod(customerId, method.Id)),
                cancellationToken));
        return method.Type switch
        {
            "us_bank_account" => new PaymentMethodSummary(method.Id, PaymentMethodType.UsBankAccount, method.UsBankAccount?.BankName, method.UsBankAccount?.Last4),
            _ => new PaymentMethodSummary(method.Id, PaymentMethodType.Card, method.Card?.Brand, method.Card?.Last4),
        };
    }

    public async Task<string> CreateSetupIntentAsync(string customerId, CancellationToken cancellationToken)
    {
        var intent = await Call(
            "create setup intent",
            () => new SetupIntentService(client).CreateAsync(
                new SetupIntentCreateOptions { Customer = customerId, AllowedPaymentMethodTypes = ["card", "us_bank_account"], Usage = "off_session" },
                cancellationToken: cancellationToken));
        return intent.ClientSecret;
    }
}
