using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Application.Contracts.HireTrainer;
using OpenTrain.Clean.Application.Jobs;
using OpenTrain.Clean.Application.Jobs.ArchiveJob;
using OpenTrain.Clean.Application.Jobs.CreateJob;
using OpenTrain.Clean.Application.Jobs.GetJob;
using OpenTrain.Clean.Application.Jobs.ListJobs;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class JobsEndpoints
{
    public static void MapJobs(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/v1/jobs").WithTag("Jobs", "Job postings of employers, and hiring a trainer on one (which creates the contract and funds its first milestone).");
        jobs.MapPost("/", CreateJob).RequireAuthorization(Authentication.EmployerOnly)
            .WithSummary("Create a job").WithDescription("The job's title is the project name on invoices.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        jobs.MapGet("/", ListJobs).WithSummary("List jobs")
            .WithDescription("Employers see their jobs, trainers the jobs they were hired on. Newest first; pass the last id as startingAfter for the next page.");
        jobs.MapGet("/{jobId:guid}", GetJob).WithETag().WithSummary("Get a job")
            .WithDescription("A job of the caller's: the employer's own, or one the trainer was hired on (404 otherwise).").ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/{jobId:guid}/archive", ArchiveJob).RequireAuthorization(Authentication.EmployerOnly)
            .WithSummary("Archive a job")
            .WithDescription("Refused with 409 job_has_unresolved_milestones (listing them) while any milestone is not_funded, funding, active_funded, pending_approval or payout_pending.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/{jobId:guid}/contracts", HireTrainer).RequireAuthorization(Authentication.EmployerOnly).RequireRateLimiting(HttpHardening.MoneyPolicy)
            .WithSummary("Hire a trainer")
            .WithDescription("""
                Creates the contract and its first milestone and funds it with the default payment method
                (milestone amount + marketplace fee + contract initiation fee).
                201: funded. 202: funding needs the employer's action (funding.clientSecret) or is processing.
                402 card_declined: the contract stays pending and the milestone not_funded; fund it again after fixing the card.
                409 payment_method_required: nothing was created. 422 trainer_not_found.
                """)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status502BadGateway);
    }

    private static async Task<Created<JobResponse>> CreateJob(CreateJobRequest request, ISender sender, CancellationToken ct)
    {
        var job = await sender.Send(new CreateJobCommand(request.Title, request.Description), ct);
        return TypedResults.Created($"/api/v1/jobs/{job.Id}", job);
    }

    private static async Task<Ok<Page<JobResponse>>> ListJobs(ISender sender, CancellationToken ct, QueryEnum<JobStatus>? status = null, int limit = Paging.DefaultLimit, Guid? startingAfter = null) =>
        TypedResults.Ok(await sender.Send(new ListJobsQuery(status?.Value, limit, startingAfter), ct));

    private static async Task<Ok<JobResponse>> GetJob(Guid jobId, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetJobQuery(jobId), ct));

    private static async Task<Ok<JobResponse>> ArchiveJob(Guid jobId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new ArchiveJobCommand(jobId), ct));

    private static async Task<Results<Created<HireResponse>, Accepted<HireResponse>>> HireTrainer(Guid jobId, HireRequest request, ISender sender, CancellationToken ct)
    {
        var hired = await sender.Send(new HireTrainerCommand(jobId, request.TrainerId, request.FirstMilestone), ct);
        var location = $"/api/v1/contracts/{hired.Contract.Id}";
        return hired.Funding.Outcome == Application.Abstractions.FundingOutcome.Succeeded
            ? TypedResults.Created(location, hired)
            : TypedResults.Accepted(location, hired);
    }
}
