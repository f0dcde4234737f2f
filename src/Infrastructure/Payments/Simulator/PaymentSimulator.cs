using System.Security.Cryptography;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Infrastructure.Payments.Simulator;

/// <summary>
/// The offline payment provider: Stripe's test-mode semantics without a network, so the API runs
/// on a fresh machine. Idempotent like Stripe: a repeated key returns the first object.
/// Never used when a Stripe secret key is configured.
/// </summary>
public sealed class PaymentSimulator(SimulatorStore store) : IPaymentGateway
{
    public string Name => "simulator";

    public Task<string> EnsureCustomerAsync(CustomerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var customer = store.GetOrCreate(
            "customer",
            $"customer-{request.EmployerId.Value:N}",
            () => new SimCustomer(NewId("cus"), request.Name, request.Email, []),
            c => c.Id);
        return Task.FromResult(customer.Id);
    }

    public Task<PaymentMethodSummary> AttachPaymentMethodAsync(string customerId, string paymentMethodId, CancellationToken cancellationToken)
    {
        var customer = store.Get<SimCustomer>(customerId)
            ?? throw new PaymentMethodRejectedException("resource_missing", $"No such customer: '{customerId}'.");
        if (!SimulatedPaymentMethods.All.TryGetValue(paymentMethodId, out var method))
        {
            throw new PaymentMethodRejectedException(
                "resource_missing",
                $"No such PaymentMethod: '{paymentMethodId}'. The simulator knows {string.Join(", ", SimulatedPaymentMethods.All.Keys)}.");
        }

        if (!customer.PaymentMethods.Contains(paymentMethodId))
        {
            store.Put("customer", customer.Id, customer with { PaymentMethods = [.. customer.PaymentMethods, paymentMethodId] });
        }

        return Task.FromResult(new PaymentMethodSummary(method.Id, method.Type, method.Brand, method.Last4));
    }

    public Task<FundingResult> FundAsync(FundingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var intent = store.GetOrCreate("payment_intent", request.IdempotencyKey, () => CreateIntent(request), pi => pi.Id);
        return Task.FromResult(ToResult(intent));
    }

    private SimPaymentIntent CreateIntent(FundingRequest request)
    {
        var id = NewId("pi");
        var customer = store.Get<SimCustomer>(request.CustomerId);
        if (customer is null || !customer.PaymentMethods.Contains(request.PaymentMethodId)
            || !SimulatedPaymentMethods.All.TryGetValue(request.PaymentMethodId, out var method))
        {
            return new SimPaymentIntent(id, request.Amount.Amount, request.Amount.Currency, request.CustomerId, request.PaymentMethodId,
                "requires_payment_method", null, null, "payment_method_unattached", "The payment method is not attached to this customer.", request.TransferGroup, request.Metadata);
        }

        return method.Behaviour switch
        {
            SimulatedChargeBehaviour.Succeeds => new SimPaymentIntent(id, request.Amount.Amount, request.Amount.Currency, request.CustomerId, method.Id,
                "succeeded", NewId("ch"), null, null, null, request.TransferGroup, request.Metadata),
            SimulatedChargeBehaviour.Declines => new SimPaymentIntent(id, request.Amount.Amount, request.Amount.Currency, request.CustomerId, method.Id,
                "requires_payment_method", null, null, method.DeclineCode ?? "card_declined", method.DeclineMessage ?? "Your card was declined.", request.TransferGroup, request.Metadata),
            SimulatedChargeBehaviour.RequiresAction => new SimPaymentIntent(id, request.Amount.Amount, request.Amount.Currency, request.CustomerId, method.Id,
                "requires_action", null, $"{id}_secret_{RandomToken(12)}", null, null, request.TransferGroup, request.Metadata),
            _ => new SimPaymentIntent(id, request.Amount.Amount, request.Amount.Currency, request.CustomerId, method.Id,
                "processing", null, null, null, null, request.TransferGroup, request.Metadata),
        };
    }

    private static FundingResult ToResult(SimPaymentIntent intent) => intent.Status switch
    {
        "succeeded" => new FundingResult(FundingOutcome.Succeeded, intent.Id, intent.ChargeId),
        "processing" => new FundingResult(FundingOutcome.Processing, intent.Id),
        "requires_action" => new FundingResult(FundingOutcome.RequiresAction, intent.Id, ClientSecret: intent.ClientSecret),
        _ => new FundingResult(FundingOutcome.Declined, intent.Id, DeclineCode: intent.DeclineCode, Message: intent.DeclineMessage),
    };

    private static string NewId(string prefix) => $"{prefix}_sim_{RandomToken(20)}";

    private static string RandomToken(int length) => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", length);
}

public sealed record SimCustomer(string Id, string Name, string Email, IReadOnlyList<string> PaymentMethods);

public sealed record SimPaymentIntent(
    string Id,
    long Amount,
    string Currency,
    string CustomerId,
    string PaymentMethodId,
    string Status,
    string? ChargeId,
    string? ClientSecret,
    string? DeclineCode,
    string? DeclineMessage,
    string TransferGroup,
    IReadOnlyDictionary<string, string> Metadata);
