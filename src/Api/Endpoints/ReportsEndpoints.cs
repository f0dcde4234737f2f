using System.Globalization;
using CsvHelper;
using Mediator;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Application.Reports;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class ReportsEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/reports/invoices", GetInvoiceReport).WithTag("Reports", "The Reports page: invoices filtered, paged and totalled, or exported as CSV.")
            .WithSummary("The Reports page: invoices with filters, totals and CSV export")
            .WithDescription("""
                Filters: kind, paymentStatus, issuedFrom (inclusive), issuedTo (exclusive), jobId. Newest first;
                pass nextCursor as startingAfter for the next page. totals: count and sum per payment status over the
                whole filter. With Accept: text/csv the whole filter is exported (RFC 4180, amounts in cents and in units).
                """)
            .Produces<InvoiceReportResponse>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> GetInvoiceReport(
        HttpContext context,
        ISender sender,
        CancellationToken ct,
        QueryEnum<InvoiceKind>? kind = null,
        QueryEnum<InvoicePaymentStatus>? paymentStatus = null,
        DateTimeOffset? issuedFrom = null,
        DateTimeOffset? issuedTo = null,
        Guid? jobId = null,
        int limit = Paging.DefaultLimit,
        Guid? startingAfter = null)
    {
        var filter = new InvoiceReportFilter(
            kind?.Value,
            paymentStatus?.Value,
            issuedFrom,
            issuedTo,
            jobId);
        if (!WantsCsv(context.Request))
        {
            return TypedResults.Ok(await sender.Send(new InvoiceReportQuery(filter, limit, startingAfter), ct));
        }

        // The first page is fetched before anything is written, so a bad filter still answers 400.
        var page = await sender.Send(new InvoiceReportQuery(filter, InvoiceReportValidator.MaxExportLimit), ct);
        return Results.Stream(
            async body =>
            {
                // Project names and descriptions are user input: a leading = + - @ is escaped so a spreadsheet never runs it.
                await using var csv = CsvWriter.Create(body, CsvOptions, leaveOpen: true);
                await WriteRecordAsync(csv, Columns);
                while (true)
                {
                    foreach (var invoice in page.Data)
                    {
                        await WriteRecordAsync(csv, Row(invoice));
                    }

                    await csv.FlushAsync();
                    if (!page.HasMore)
                    {
                        break;
                    }

                    page = await sender.Send(new InvoiceReportQuery(filter, InvoiceReportValidator.MaxExportLimit, Guid.Parse(page.NextCursor!)), ct);
                }
            },
            "text/csv; charset=utf-8",
            fileDownloadName: "invoices.csv");
    }

    private static bool WantsCsv(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));

    private static readonly string[] Columns =
    [
        "number", "kind", "billing_type", "issued_at", "project_name", "description", "total_cents", "total", "currency",
        "payment_status", "payment_reference", "paid_at", "employer_id", "trainer_id", "job_id", "contract_id", "milestone_id", "invoice_id",
    ];

    private static readonly CsvWriterOptions CsvOptions = new() { Injection = CsvInjection.Escape };

    /// <summary>Fields into the writer's buffer, then an asynchronous end of record: the response allows no synchronous writes.</summary>
    private static async Task WriteRecordAsync(CsvWriter csv, IReadOnlyList<string?> fields)
    {
        foreach (var field in fields)
        {
            if (field is null)
            {
                csv.WriteField(string.Empty);
            }
            else
            {
                csv.WriteField(field);
            }
        }

        await csv.EndRecordAsync();
    }

    private static string?[] Row(InvoiceResponse invoice) =>
    [
        invoice.Number,
        Snake(invoice.Kind),
        Snake(invoice.BillingType),
        Instant(invoice.IssuedAt),
        invoice.ProjectName,
        invoice.Description,
        invoice.Total.ToString(CultureInfo.InvariantCulture),
        (invoice.Total / 100m).ToString("0.00", CultureInfo.InvariantCulture),
        invoice.Currency,
        Snake(invoice.PaymentStatus),
        invoice.PaymentReference,
        invoice.PaidAt is { } paid ? Instant(paid) : null,
        invoice.EmployerId.ToString(),
        invoice.TrainerId?.ToString(),
        invoice.JobId?.ToString(),
        invoice.ContractId?.ToString(),
        invoice.MilestoneId?.ToString(),
        invoice.Id.ToString(),
    ];

    private static string Snake<T>(T value)
        where T : struct, Enum => StrictEnumConverterFactory.WireName(value);

    private static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
