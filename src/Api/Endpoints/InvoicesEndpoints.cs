using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Application.Invoices.GetInvoice;
using OpenTrain.Clean.Application.Invoices.GetInvoicePdf;
using OpenTrain.Clean.Application.Invoices.ListInvoices;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class InvoicesEndpoints
{
    public static void MapInvoices(this IEndpointRouteBuilder app)
    {
        var invoices = app.MapGroup("/api/v1/invoices").WithTag("Invoices", "Invoices for every funding, payout, subscription charge and refund, as JSON or PDF.");
        invoices.MapGet("/", ListInvoices).WithSummary("List invoices")
            .WithDescription("Employers: their funding (fixed_price_milestone) and subscription invoices. Trainers: their payout invoices. Newest first.");
        invoices.MapGet("/{invoiceId:guid}", GetInvoice).WithETag().WithSummary("Get an invoice")
            .WithDescription("An invoice of the caller's (404 otherwise): number, kind, lines, total, payment status and the parties as issued.").ProducesProblem(StatusCodes.Status404NotFound);
        invoices.MapGet("/{invoiceId:guid}/pdf", GetInvoicePdf).RequireRateLimiting(HttpHardening.ExpensivePolicy).WithSummary("Download an invoice as PDF")
            .WithDescription("application/pdf, as an attachment named after the invoice number.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<Page<InvoiceResponse>>> ListInvoices(ISender sender, CancellationToken ct, QueryEnum<InvoiceKind>? kind = null, QueryEnum<InvoicePaymentStatus>? paymentStatus = null, Guid? milestoneId = null, int limit = Paging.DefaultLimit, Guid? startingAfter = null) =>
        TypedResults.Ok(await sender.Send(new ListInvoicesQuery(kind?.Value, paymentStatus?.Value, milestoneId, limit, startingAfter), ct));

    private static async Task<Ok<InvoiceResponse>> GetInvoice(Guid invoiceId, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetInvoiceQuery(invoiceId), ct));

    private static async Task<IResult> GetInvoicePdf(Guid invoiceId, ISender sender, HttpResponse response, CancellationToken ct)
    {
        var pdf = await sender.Send(new GetInvoicePdfQuery(invoiceId), ct);
        response.Headers.ContentDisposition = $"attachment; filename=\"{pdf.FileName}\"";
        return Results.Bytes(pdf.Content, "application/pdf");
    }
}
