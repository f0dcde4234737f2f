using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Application.Contracts;
using OpenTrain.Clean.Application.Contracts.GetContract;
using OpenTrain.Clean.Application.Contracts.GetPaymentHistory;
using OpenTrain.Clean.Application.Contracts.ListContracts;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.AddMilestone;
using OpenTrain.Clean.Application.Milestones.ListMilestones;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class ContractsEndpoints
{
    public static void MapContracts(this IEndpointRouteBuilder app)
    {
        var contracts = app.MapGroup("/api/v1/contracts").WithTag("Contracts", "Contracts between an employer and a trainer: the milestone timeline, escrow totals and payment history.");
        contracts.MapGet("/", ListContracts).WithSummary("List contracts")
            .WithDescription("The caller's contracts, newest first, optionally of one job (jobId).");
        contracts.MapGet("/{contractId:guid}", GetContract).WithETag().WithSummary("Get a contract with its milestone timeline")
            .WithDescription("The Contract tab: the contract, the escrow summary (funded, in escrow, released, refunded) and every milestone with its timeline.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        contracts.MapGet("/{contractId:guid}/payments", GetPaymentHistory).WithSummary("Payment history")
            .WithDescription("Each approved milestone with its amount, approval date, payment status and the ids of its funding and payout invoices.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        contracts.MapPost("/{contractId:guid}/milestones", AddMilestone).RequireAuthorization(Authentication.EmployerOnly)
            .WithSummary("Add a milestone").WithDescription("The new milestone is not_funded until the employer funds it (POST /api/v1/milestones/{id}/fund).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        contracts.MapGet("/{contractId:guid}/milestones", ListMilestones).WithSummary("List a contract's milestones")
            .WithDescription("In sequence order; pass the last id as startingAfter for the next page.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<Page<ContractResponse>>> ListContracts(ISender sender, CancellationToken ct, Guid? jobId = null, QueryEnum<ContractStatus>? status = null, int limit = Paging.DefaultLimit, Guid? startingAfter = null) =>
        TypedResults.Ok(await sender.Send(new ListContractsQuery(jobId, status?.Value, limit, startingAfter), ct));

    private static async Task<Ok<ContractDetailsResponse>> GetContract(Guid contractId, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetContractQuery(contractId), ct));

    private static async Task<Ok<PaymentHistoryResponse>> GetPaymentHistory(Guid contractId, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetPaymentHistoryQuery(contractId), ct));

    private static async Task<Created<MilestoneResponse>> AddMilestone(Guid contractId, NewMilestone request, ISender sender, CancellationToken ct)
    {
        var milestone = await sender.Send(new AddMilestoneCommand(contractId, request.Description, request.Amount, request.Title, request.DueDate), ct);
        return TypedResults.Created($"/api/v1/milestones/{milestone.Id}", milestone);
    }

    private static async Task<Ok<Page<MilestoneResponse>>> ListMilestones(Guid contractId, ISender sender, CancellationToken ct, QueryEnum<MilestoneStatus>? status = null, int limit = Paging.DefaultLimit, Guid? startingAfter = null) =>
        TypedResults.Ok(await sender.Send(new ListMilestonesQuery(contractId, status?.Value, limit, startingAfter), ct));
}
