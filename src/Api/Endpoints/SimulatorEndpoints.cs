using System.Net;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;

namespace OpenTrain.Clean.Api.Endpoints;

/// <summary>
/// The offline simulator's stand-ins for Stripe-hosted pages: Connect onboarding and 3-D Secure.
/// Each completes through the same application path Stripe's webhooks will use, and only for the
/// holder of its link: the onboarding link's token, or the payment's client secret handed to the
/// employer. Mapped only in Development, when the simulator is the payment gateway.
/// </summary>
internal static partial class SimulatorEndpoints
{
    public static void MapSimulatorPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/simulator").AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("/onboarding/{accountId}", OnboardingPage);
        pages.MapPost("/onboarding/{accountId}/complete", CompleteOnboarding);
        pages.MapGet("/payments/{paymentIntentId}/authenticate", AuthenticationPage);
        pages.MapPost("/payments/{paymentIntentId}/complete", CompleteAuthentication);
        pages.MapSimulatorTriggers();
    }

    private static IResult OnboardingPage(string accountId, string? token, PaymentSimulator simulator) =>
        !simulator.IsOnboardingLinkValid(accountId, token)
            ? InvalidLink()
            : Page(
                "Payout setup (simulated)",
                $"""
                <p>This page plays Stripe's hosted Connect onboarding for account <code>{Encode(accountId)}</code>:
                identity, tax and bank details are taken as submitted.</p>
                <form method="post" action="/simulator/onboarding/{Encode(accountId)}/complete?token={Uri.EscapeDataString(token!)}"><button type="submit">Complete payout setup</button></form>
                <form method="post" action="/simulator/onboarding/{Encode(accountId)}/complete?token={Uri.EscapeDataString(token!)}&amp;transfers=false"><button type="submit">Submit, transfers capability not yet active</button></form>
                """);

    private static async Task<IResult> CompleteOnboarding(string accountId, string? token, PaymentSimulator simulator, ISender sender, CancellationToken ct, bool transfers = true)
    {
        if (simulator.CompleteOnboarding(accountId, token, transfers) is null)
        {
            return InvalidLink();
        }

        await DeliverEventsAsync(simulator, sender, ct);
        return Page("Payout setup complete", transfers
            ? "<p>Payouts are enabled. Pending payouts are sent within one job interval; you can close this page.</p>"
            : "<p>Details submitted, but the transfers capability is not active yet: payouts wait until it is (complete again to activate it).</p>");
    }

    private static IResult AuthenticationPage(string paymentIntentId, [FromQuery(Name = "client_secret")] string? clientSecret, PaymentSimulator simulator) =>
        !simulator.IsClientSecretValid(paymentIntentId, clientSecret)
            || simulator.FindPaymentIntent(paymentIntentId) is not { Status: "requires_action" or "requires_payment_method" } intent
            || (intent.Status == "requires_payment_method" && intent.DeclineCode != "authentication_failed")
            ? Page("Nothing to authenticate", "<p>This payment does not need authentication, or the link is not valid.</p>", StatusCodes.Status404NotFound)
            : Page(
                "Authenticate payment (simulated 3-D Secure)",
                $"""
                <p>Payment <code>{Encode(intent.Id)}</code> of {intent.Amount / 100}.{intent.Amount % 100:00} {Encode(intent.Currency)} needs your confirmation.</p>
                <form method="post" action="/simulator/payments/{Encode(intent.Id)}/complete?client_secret={Uri.EscapeDataString(clientSecret!)}&amp;outcome=succeed"><button type="submit">Complete authentication</button></form>
                <form method="post" action="/simulator/payments/{Encode(intent.Id)}/complete?client_secret={Uri.EscapeDataString(clientSecret!)}&amp;outcome=fail"><button type="submit">Fail authentication</button></form>
                """);

    /// <summary>
    /// The customer completes (or fails) 3-D Secure; after a failure, "succeed" plays the customer retrying in
    /// Stripe.js with the first answer's client secret. The outcome reaches us as Stripe's would: as an event.
    /// </summary>
    private static async Task<IResult> CompleteAuthentication(
        string paymentIntentId, string? outcome, [FromQuery(Name = "client_secret")] string? clientSecret, PaymentSimulator simulator, ISender sender, CancellationToken ct)
    {
        if (!simulator.IsClientSecretValid(paymentIntentId, clientSecret))
        {
            return Page("Unknown payment", "<p>This payment is not known, or the link is not valid.</p>", StatusCodes.Status404NotFound);
        }

        var intent = simulator.CompleteAuthentication(paymentIntentId, succeed: outcome != "fail");
        if (intent is null)
        {
            return Page("Unknown payment", "<p>This payment is not known.</p>", StatusCodes.Status404NotFound);
        }

        await DeliverEventsAsync(simulator, sender, ct);
        return Page("Authentication finished", $"<p>The payment is now <strong>{Encode(intent.Status)}</strong>. You can close this page.</p>");
    }

    private static IResult InvalidLink() =>
        Page("Invalid link", "<p>This onboarding link is not valid: it was used already, has expired, or belongs to another account. Ask for a new one in Settings -> Payouts.</p>", StatusCodes.Status404NotFound);

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) => Results.Content(
        $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>{Encode(title)}</title><link rel="icon" href="data:,">
        <style>{PageStyle}</style>
        </head><body><p><em>OpenTrain payment simulator — no money moves.</em></p><h1>{Encode(title)}</h1>{body}</body></html>
        """,
        "text/html; charset=utf-8",
        statusCode: status);

    private const string PageStyle = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;} button{font-size:1rem;padding:.5rem 1rem;margin:.25rem 0;}";

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
