using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Billing;
using OpenTrain.Clean.Application.Billing.AttachPaymentMethod;
using OpenTrain.Clean.Application.Billing.GetBilling;
using OpenTrain.Clean.Application.Billing.SetupIntent;
using OpenTrain.Clean.Application.Billing.Subscription;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class BillingEndpoints
{
    public static void MapBilling(this IEndpointRouteBuilder app)
    {
        var billing = app.MapGroup("/api/v1/billing").WithTag("Billing", "The employer's payment method and plan subscription.").RequireAuthorization(Authentication.EmployerOnly);
        billing.MapGet("/", GetBilling).WithSummary("Employer billing settings")
            .WithDescription("The default payment method (brand, last4, type), the plan and the escrow summary.");
        billing.MapPost("/payment-methods", AttachPaymentMethod).RequireRateLimiting(HttpHardening.MoneyPolicy).WithSummary("Add a payment method")
            .WithDescription("Attaches a Stripe payment method (pm_...) and makes it the default. On the offline simulator use Stripe's test ids: pm_card_visa, pm_card_mastercard, pm_card_chargeDeclined, pm_card_authenticationRequired, pm_usBankAccount.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status502BadGateway);
        billing.MapPost("/setup-intents", CreateSetupIntent).WithSummary("Start collecting a payment method with Stripe.js")
            .WithDescription("Returns a SetupIntent client secret for a card or US bank account; after Stripe.js confirms it, attach the payment method by id.")
            .ProducesProblem(StatusCodes.Status502BadGateway);
        billing.MapGet("/subscription", GetSubscription).WithSummary("The employer's plan subscription")
            .WithDescription("The plan (none, agency or recruiting) and the subscription's status as the payment provider reports it.");
        billing.MapPost("/subscription", Subscribe).RequireRateLimiting(HttpHardening.MoneyPolicy).WithSummary("Subscribe to the agency or recruiting plan")
            .WithDescription("Billed separately from milestone charges; subscription invoices appear among the employer's invoices with billing type subscription. Milestones cannot be funded while the plan's subscription is not active (409 subscription_required).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway);
        billing.MapDelete("/subscription", CancelSubscription).WithSummary("Cancel the plan subscription")
            .WithDescription("Cancels the plan at the payment provider; 409 no_active_subscription when there is none. Milestone funding is not affected.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway);
    }

    /// <param name="Plan" example="agency">agency or recruiting.</param>
    public sealed record SubscribeRequest(BillingPlan Plan);

    private static async Task<Ok<SetupIntentResponse>> CreateSetupIntent(NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new CreateSetupIntentCommand(), ct));

    private static async Task<Ok<SubscriptionResponse>> GetSubscription(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetSubscriptionQuery(), ct));

    private static async Task<Ok<SubscriptionResponse>> Subscribe(SubscribeRequest request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new SubscribeCommand(request.Plan), ct));

    private static async Task<Ok<SubscriptionResponse>> CancelSubscription(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new CancelSubscriptionCommand(), ct));

    private static async Task<Ok<BillingResponse>> GetBilling(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetBillingQuery(), ct));

    private static async Task<Ok<BillingResponse>> AttachPaymentMethod(AttachPaymentMethodRequest request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new AttachPaymentMethodCommand(request.PaymentMethodId), ct));
}
