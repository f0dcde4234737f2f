using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Infrastructure.Telemetry;

/// <summary>Counts what the payment provider answered to fundings and transfers; everything else passes through.</summary>
internal sealed class MeteredPaymentGateway(IPaymentGateway inner) : IPaymentGateway
{
    public string Name => inner.Name;

    public async Task<FundingResult> FundAsync(FundingRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var result = await inner.FundAsync(request, cancellationToken);
            OpenTrainTelemetry.Fundings.Add(1, new KeyValuePair<string, object?>("outcome", OpenTrainTelemetry.OutcomeName(result.Outcome)));
            return result;
        }
        catch (Exception) when (Count(OpenTrainTelemetry.Fundings))
        {
            throw;
        }
    }

    public async Task<TransferResult> TransferAsync(TransferRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var result = await inner.TransferAsync(request, cancellationToken);
            OpenTrainTelemetry.PayoutAttempts.Add(1, new KeyValuePair<string, object?>("outcome", OpenTrainTelemetry.OutcomeName(result.Outcome)));
            return result;
        }
        catch (Exception) when (Count(OpenTrainTelemetry.PayoutAttempts))
        {
            throw;
        }
    }

    public Task<string> EnsureCustomerAsync(CustomerRequest request, CancellationToken cancellationToken) => inner.EnsureCustomerAsync(request, cancellationToken);

    public Task<PaymentMethodSummary> AttachPaymentMethodAsync(string customerId, string paymentMethodId, CancellationToken cancellationToken) =>
        inner.AttachPaymentMethodAsync(customerId, paymentMethodId, cancellationToken);

    public Task<FundingResult> GetFundingAsync(string paymentIntentId, CancellationToken cancellationToken) => inner.GetFundingAsync(paymentIntentId, cancellationToken);

    public Task<string> CreateConnectedAccountAsync(ConnectedAccountRequest request, CancellationToken cancellationToken) => inner.CreateConnectedAccountAsync(request, cancellationToken);

    public Task<ConnectedAccountStatus> GetConnectedAccountAsync(string connectedAccountId, CancellationToken cancellationToken) =>
        inner.GetConnectedAccountAsync(connectedAccountId, cancellationToken);

    public Task<string> CreateOnboardingLinkAsync(string connectedAccountId, CancellationToken cancellationToken) => inner.CreateOnboardingLinkAsync(connectedAccountId, cancellationToken);

    public Task<string> CreateSetupIntentAsync(string customerId, CancellationToken cancellationToken) => inner.CreateSetupIntentAsync(customerId, cancellationToken);

    public Task<SubscriptionResult> CreateSubscriptionAsync(SubscriptionRequest request, CancellationToken cancellationToken) => inner.CreateSubscriptionAsync(request, cancellationToken);

    public Task<SubscriptionResult> CancelSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) => inner.CancelSubscriptionAsync(subscriptionId, cancellationToken);

    public Task<SubscriptionResult> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) => inner.GetSubscriptionAsync(subscriptionId, cancellationToken);

    public Task<string?> FindRefundAsync(string chargeId, CancellationToken cancellationToken) => inner.FindRefundAsync(chargeId, cancellationToken);

    public Task<ProviderEventPage> ListEventsAsync(DateTimeOffset since, string? continueAfter, CancellationToken cancellationToken) => inner.ListEventsAsync(since, continueAfter, cancellationToken);

    public Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken) => inner.RefundAsync(request, cancellationToken);

    /// <summary>An exception is an answer too (the outcome is unknown): counted as "error", never swallowed.</summary>
    private static bool Count(System.Diagnostics.Metrics.Counter<long> counter)
    {
        counter.Add(1, new KeyValuePair<string, object?>("outcome", "error"));
        return false;
    }
}
