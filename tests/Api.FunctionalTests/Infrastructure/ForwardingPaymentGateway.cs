using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>
/// A real decorator of the payments port for fault injection: forwards every call to the inner
/// gateway; a test overrides only the call it breaks, and keeps compiling when the port grows.
/// </summary>
public abstract class ForwardingPaymentGateway(IPaymentGateway inner) : IPaymentGateway
{
    protected IPaymentGateway Inner { get; } = inner;

    public virtual string Name => Inner.Name;

    public virtual Task<string> EnsureCustomerAsync(CustomerRequest request, CancellationToken cancellationToken) => Inner.EnsureCustomerAsync(request, cancellationToken);

    public virtual Task<PaymentMethodSummary> AttachPaymentMethodAsync(string customerId, string paymentMethodId, CancellationToken cancellationToken) =>
        Inner.AttachPaymentMethodAsync(customerId, paymentMethodId, cancellationToken);

    public virtual Task<FundingResult> FundAsync(FundingRequest request, CancellationToken cancellationToken) => Inner.FundAsync(request, cancellationToken);

    public virtual Task<FundingResult> GetFundingAsync(string paymentIntentId, CancellationToken cancellationToken) => Inner.GetFundingAsync(paymentIntentId, cancellationToken);

    public virtual Task<TransferResult> TransferAsync(TransferRequest request, CancellationToken cancellationToken) => Inner.TransferAsync(request, cancellationToken);

    public virtual Task<string> CreateConnectedAccountAsync(ConnectedAccountRequest request, CancellationToken cancellationToken) =>
        Inner.CreateConnectedAccountAsync(request, cancellationToken);

    public virtual Task<ConnectedAccountStatus> GetConnectedAccountAsync(string connectedAccountId, CancellationToken cancellationToken) =>
        Inner.GetConnectedAccountAsync(connectedAccountId, cancellationToken);

    public virtual Task<string> CreateOnboardingLinkAsync(string connectedAccountId, CancellationToken cancellationToken) =>
        Inner.CreateOnboardingLinkAsync(connectedAccountId, cancellationToken);

    public virtual Task<string> CreateSetupIntentAsync(string customerId, CancellationToken cancellationToken) => Inner.CreateSetupIntentAsync(customerId, cancellationToken);

    public virtual Task<SubscriptionResult> CreateSubscriptionAsync(SubscriptionRequest request, CancellationToken cancellationToken) =>
        Inner.CreateSubscriptionAsync(request, cancellationToken);

    public virtual Task<SubscriptionResult> CancelSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        Inner.CancelSubscriptionAsync(subscriptionId, cancellationToken);

    public virtual Task<SubscriptionResult> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        Inner.GetSubscriptionAsync(subscriptionId, cancellationToken);

    public virtual Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken) => Inner.RefundAsync(request, cancellationToken);

    public virtual Task<string?> FindRefundAsync(string chargeId, CancellationToken cancellationToken) => Inner.FindRefundAsync(chargeId, cancellationToken);

    public virtual Task<ProviderEventPage> ListEventsAsync(DateTimeOffset since, string? continueAfter, CancellationToken cancellationToken) =>
        Inner.ListEventsAsync(since, continueAfter, cancellationToken);
}
