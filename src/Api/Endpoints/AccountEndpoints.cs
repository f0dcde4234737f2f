using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Billing;
using OpenTrain.Clean.Application.Billing.AttachPaymentMethod;
using OpenTrain.Clean.Application.Billing.GetBilling;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Application.Invoices.GetInvoice;
using OpenTrain.Clean.Application.Invoices.ListInvoices;
using OpenTrain.Clean.Application.Users.GetMe;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class AccountEndpoints
{
    public static void MapAccount(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me", GetMe).WithTags("Me").WithSummary("The caller")
            .WithDescription("Returns the caller's profile, creating it from the token's claims on first use. A trainer must have signed in once before they can be hired.");

        var invoices = app.MapGroup("/api/v1/invoices").WithTags("Invoices");
        invoices.MapGet("/", ListInvoices).WithSummary("List invoices")
            .WithDescription("Employers: their funding (fixed_price_milestone) and subscription invoices. Trainers: their payout invoices. Newest first.");
        invoices.MapGet("/{invoiceId:guid}", GetInvoice).WithSummary("Get an invoice").ProducesProblem(StatusCodes.Status404NotFound);

        var billing = app.MapGroup("/api/v1/billing").WithTags("Billing").RequireAuthorization(Authentication.EmployerOnly);
        billing.MapGet("/", GetBilling).WithSummary("Employer billing settings")
            .WithDescription("The default payment method (brand, last4, type), the plan and the escrow summary.");
        billing.MapPost("/payment-methods", AttachPaymentMethod).WithSummary("Add a payment method")
            .WithDescription("Attaches a Stripe payment method (pm_...) and makes it the default. On the offline simulator use Stripe's test ids: pm_card_visa, pm_card_mastercard, pm_card_chargeDeclined, pm_card_authenticationRequired, pm_usBankAccount.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<Ok<MeResponse>> GetMe(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetMeCommand(), ct));

    private static async Task<Ok<Page<InvoiceResponse>>> ListInvoices(ISender sender, CancellationToken ct, string? kind = null, string? paymentStatus = null, Guid? milestoneId = null, int limit = Paging.DefaultLimit, Guid? startingAfter = null) =>
        TypedResults.Ok(await sender.Send(new ListInvoicesQuery(QueryEnum.Parse<InvoiceKind>(kind, "kind"), QueryEnum.Parse<InvoicePaymentStatus>(paymentStatus, "paymentStatus"), milestoneId, limit, startingAfter), ct));

    private static async Task<Ok<InvoiceResponse>> GetInvoice(Guid invoiceId, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetInvoiceQuery(invoiceId), ct));

    private static async Task<Ok<BillingResponse>> GetBilling(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetBillingQuery(), ct));

    private static async Task<Ok<BillingResponse>> AttachPaymentMethod(AttachPaymentMethodRequest request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new AttachPaymentMethodCommand(request.PaymentMethodId), ct));
}
