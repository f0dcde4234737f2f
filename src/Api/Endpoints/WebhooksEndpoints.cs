using Mediator;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Infrastructure.Payments.Stripe;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;

namespace OpenTrain.Clean.Api.Endpoints;

/// <summary>Stripe calls this. It answers fast: 200 once the event is applied (or known), 400 for a bad signature.</summary>
internal static partial class WebhooksEndpoints
{
    /// <summary>Stripe's events are small; anything larger is not Stripe.</summary>
    private const int MaxEventBytes = 512 * 1024;

    public static void MapStripeWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/stripe", ReceiveStripeEvent).AllowAnonymous().WithTag("Webhooks", "Called by Stripe, not by integrators: signed events that settle fundings, payouts and disputes.")
            .WithSummary("Stripe webhook endpoint")
            .WithDescription("Verifies Stripe-Signature against Stripe:WebhookSecrets (300 s tolerance). Each event id is applied once; a replay answers 200 and changes nothing.")
            .Accepts<object>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> ReceiveStripeEvent(HttpRequest request, StripeWebhookParser parser, ISender sender, ILoggerFactory loggers, CancellationToken ct)
    {
        if (request.ContentLength > MaxEventBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "A Stripe event is never this large.");
        }

        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(ct);
        ProviderEvent providerEvent;
        try
        {
            providerEvent = parser.Parse(json, request.Headers["Stripe-Signature"]);
        }
        catch (WebhookSignatureException exception)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemCodes.InvalidSignature, exception.Message);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or Newtonsoft.Json.JsonException or ArgumentException)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemCodes.MalformedEvent, "The body is not a Stripe event.");
        }

        // A conflict means another delivery or another change got there first: apply again, and the
        // event is then either found recorded (a duplicate) or applied on the fresh state.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                var outcome = await sender.Send(new ApplyProviderEventCommand(providerEvent), ct);
                return Results.Ok(new { received = true, eventId = providerEvent.EventId, outcome });
            }
            catch (ConcurrencyConflictException)
            {
                LogConflict(loggers.CreateLogger("OpenTrain.Clean.Api.Webhooks"), providerEvent.EventId, attempt);
            }
            catch (ProviderEventNotUnderstoodException exception)
            {
                // Never 2xx: Stripe redelivers it and an operator sees it; the inbox did not record it.
                LogNotUnderstood(loggers.CreateLogger("OpenTrain.Clean.Api.Webhooks"), exception, providerEvent.EventId, providerEvent.Type);
                return Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.EventNotUnderstood, exception.Message);
            }
        }

        // Not applied: Stripe redelivers on anything but 2xx.
        return Problem(StatusCodes.Status503ServiceUnavailable, ProblemCodes.WebhookConflict, "The event could not be applied now; it will be redelivered.");
    }

    private static IResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(ProblemExceptionHandler.Problem(status, code, "Webhook refused", detail));

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe event {EventId} ({Type}) is not understood; answered 422 so that Stripe redelivers it")]
    private static partial void LogNotUnderstood(ILogger logger, Exception exception, string eventId, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} met a concurrent change (attempt {Attempt})")]
    private static partial void LogConflict(ILogger logger, string eventId, int attempt);
}
