using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using Stripe;

namespace OpenTrain.Clean.Infrastructure.Payments.Stripe;

/// <summary>
/// The payments port on Stripe, "separate charges and transfers": the employer's PaymentIntent
/// lands on the platform, a Transfer later moves the trainer's share to their connected account.
/// Every creating call carries our idempotency key; errors are classified by Stripe's error type
/// and code, never by message text. This file holds what every call shares; each concern has a
/// file of its own: Customers, Funding, Connect, Subscriptions.
/// </summary>
public sealed partial class StripePaymentGateway(IStripeClient client, IOptions<StripeOptions> options, ILogger<StripePaymentGateway> logger) : IPaymentGateway
{
    private const string InsufficientCapabilitiesForTransfer = "insufficient_capabilities_for_transfer";

    public string Name => "stripe";

    private static RequestOptions Idempotent(string key) => new() { IdempotencyKey = key };

    /// <summary>Stripe refused our key or our account's permissions: a fault of ours, never the customer's card.</summary>
    private static bool IsOurConfiguration(StripeException exception) =>
        exception.HttpStatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden
        || exception.StripeError?.Type == "authentication_error";

    private PaymentProviderException Misconfigured(string operation, StripeException exception)
    {
        LogPermanent(exception, operation, RequestId(exception), "authentication");
        return new PaymentProviderException($"Stripe refused our credentials for '{operation}'; check Stripe:SecretKey.", exception);
    }

    private static string? RequestId(StripeException exception) => exception.StripeResponse?.RequestId;

    private static bool IsOutcomeUnknown(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        StripeException stripe => stripe.StripeError?.Type is "api_error" or "rate_limit_error" or "api_connection_error" || (int)stripe.HttpStatusCode is 429 or >= 500,
        HttpRequestException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private PaymentProviderException Unknown(string operation, Exception exception)
    {
        LogUnavailable(exception, operation);
        return new PaymentProviderException($"Stripe did not complete '{operation}': {exception.Message}", exception);
    }

    private async Task<T> Call<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StripeException exception) when (IsOurConfiguration(exception))
        {
            throw Misconfigured(operation, exception);
        }
        catch (StripeException exception) when (exception.StripeError?.Type is "invalid_request_error" or "card_error" or "idempotency_error" && (int)exception.HttpStatusCode is not 429)
        {
            LogPermanent(exception, operation, RequestId(exception), exception.StripeError?.Code);
            throw new PaymentProviderException($"Stripe refused '{operation}': {exception.StripeError?.Message}", exception);
        }
        catch (Exception exception) when (exception is StripeException or HttpRequestException or TimeoutException or TaskCanceledException)
        {
            throw Unknown(operation, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe refused {Operation} (request {RequestId}, code {Code})")]
    private partial void LogPermanent(Exception exception, string operation, string? requestId, string? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe unavailable for {Operation}; outcome unknown")]
    private partial void LogUnavailable(Exception exception, string operation);
}
