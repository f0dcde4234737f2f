using Mediator;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Infrastructure.Payments.Stripe;

namespace OpenTrain.Clean.Api.Endpoints;

/// <summary>Stripe calls this. It answers fast: 200 once the event is applied (or known), 400 for a bad signature.</summary>
internal static partial class WebhookEndpoints
{
    /// <summary>Stripe's events are small; anything larger is not Stripe.</summary>
    private const int MaxEventBytes = 512 * 1024;

    public static void MapStripeWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/stripe", Receive).AllowAnonymous().WithTags("Webhooks")
            .WithSummary("Stripe webhook endpoint")
            .WithDescription("Verifies Stripe-Signature against Stripe:WebhookSecrets (300 s tolerance). Each event id is applied once; a replay answers 200 and changes nothing.")
            .Accepts<object>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> Receive(HttpRequest request, StripeWebhookParser parser, ISender sender, ILoggerFactory loggers, CancellationToken ct)
    {
        if (request.ContentLength > MaxEventBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "A Stripe event is never this large.");
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
            return Problem(StatusCodes.Status400BadRequest, "invalid_signature", exception.Message);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or Newtonsoft.Json.JsonException or ArgumentException)
        {
            return Problem(StatusCodes.Status400BadRequest, "malformed_event", "The body is not a Stripe event.");
        }

        try
        {
            var outcome = await sender.Send(new ApplyProviderEventCommand(providerEvent), ct);
            return Results.Ok(new { received = true, eventId = providerEvent.EventId, outcome });
        }
        catch (ConcurrencyConflictException)
        {
            // A concurrent delivery of the same event won; this one changes nothing.
            LogDuplicate(loggers.CreateLogger("OpenTrain.Clean.Api.Webhooks"), providerEvent.EventId);
            return Results.Ok(new { received = true, eventId = providerEvent.EventId, outcome = WebhookOutcome.Duplicate });
        }
    }

    private static IResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(ProblemExceptionHandler.Problem(status, code, "Webhook refused", detail));

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} was applied by a concurrent delivery")]
    private static partial void LogDuplicate(ILogger logger, string eventId);
}
