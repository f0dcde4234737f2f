using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.ApproveMilestone;
using OpenTrain.Clean.Application.Milestones.CancelMilestone;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Application.Milestones.FundMilestone;
using OpenTrain.Clean.Application.Milestones.GetMilestone;
using OpenTrain.Clean.Application.Milestones.RefundMilestone;
using OpenTrain.Clean.Application.Milestones.RequestChanges;
using OpenTrain.Clean.Application.Milestones.SubmitMilestone;
using OpenTrain.Clean.Application.Milestones.UpdateMilestone;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class MilestonesEndpoints
{
    public static void MapMilestones(this IEndpointRouteBuilder app)
    {
        var milestones = app.MapGroup("/api/v1/milestones/{milestoneId:guid}").WithTag("Milestones", "The escrow lifecycle of one milestone: fund, submit, request changes, approve (release), cancel, refund.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        milestones.MapGet("/", GetMilestone).WithETag().WithSummary("Get a milestone with its timeline")
            .WithDescription("Status, money (amount, fees), funding, submission, approval and payout facts, and every transition so far. payout.reason says why an approved milestone's payout waits (null when nothing waits).");
        milestones.MapPatch("/", UpdateMilestone).RequireAuthorization(Authentication.EmployerOnly)
            .WithSummary("Change a milestone that is not funded yet")
            .WithDescription("Only while not_funded (409 milestone_not_editable after). Members left out stay as they are.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        milestones.MapPost("/fund", FundMilestone).RequireAuthorization(Authentication.EmployerOnly).RequireRateLimiting(HttpHardening.MoneyPolicy)
            .WithSummary("Fund a milestone")
            .WithDescription("""
                Charges the default payment method for the milestone plus fees and holds it in escrow.
                200: funded (active_funded). 202: requires_action (confirm with Stripe.js using clientSecret) or processing (bank debit).
                402 card_declined: the milestone stays not_funded with the decline kept. 409 payment_method_required, milestone_not_fundable.
                """)
            .ProducesProblem(StatusCodes.Status402PaymentRequired).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway);
        milestones.MapPost("/submit", SubmitMilestone).RequireAuthorization(Authentication.TrainerOnly)
            .WithSummary("Request approval (trainer)").WithDescription("From active_funded to pending_approval, with an optional note.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        milestones.MapPost("/request-changes", RequestMilestoneChanges).RequireAuthorization(Authentication.EmployerOnly)
            .WithSummary("Request changes (employer)").WithDescription("From pending_approval back to active_funded; the money stays in escrow.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        milestones.MapPost("/approve", ApproveMilestone).RequireAuthorization(Authentication.EmployerOnly).RequireRateLimiting(HttpHardening.MoneyPolicy)
            .WithSummary("Approve and release payment (employer)")
            .WithDescription("From active_funded or pending_approval to payout_pending; the payout to the trainer is made by the worker after this commits. Released funds are not self-serve reversible.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        milestones.MapPost("/refund", RefundMilestone).RequireAuthorization(Authentication.AdminOnly).RequireRateLimiting(HttpHardening.MoneyPolicy)
            .WithSummary("Refund a held milestone (support, admin only)")
            .WithDescription("Allowed only while the money is held (active_funded or pending_approval, not disputed): refunds the funding charge once, marks the milestone refunded and the funding invoice refunded, and issues a credit note. Released funds are never refundable here (409).")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway);
        milestones.MapPost("/cancel", CancelMilestone).RequireAuthorization(Authentication.EmployerOnly)
            .WithSummary("Cancel a milestone that was never funded")
            .WithDescription("From not_funded to cancelled; a funded milestone cannot be cancelled (409 milestone_not_cancellable): ask support for a refund.").ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Ok<MilestoneResponse>> GetMilestone(Guid milestoneId, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetMilestoneQuery(milestoneId), ct));

    private static async Task<Ok<MilestoneResponse>> UpdateMilestone(Guid milestoneId, UpdateMilestoneRequest request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new UpdateMilestoneCommand(milestoneId, request.Title, request.Description, request.Amount, request.DueDate), ct));

    private static async Task<Results<Ok<FundingResponse>, Accepted<FundingResponse>>> FundMilestone(Guid milestoneId, NoInput? request, ISender sender, CancellationToken ct)
    {
        var funding = await sender.Send(new FundMilestoneCommand(milestoneId), ct);
        return funding.Outcome == FundingOutcome.Succeeded
            ? TypedResults.Ok(funding)
            : TypedResults.Accepted($"/api/v1/milestones/{milestoneId}", funding);
    }

    private static async Task<Ok<MilestoneResponse>> SubmitMilestone(Guid milestoneId, SubmitMilestoneRequest? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new SubmitMilestoneCommand(milestoneId, request?.Note), ct));

    private static async Task<Ok<MilestoneResponse>> RequestMilestoneChanges(Guid milestoneId, RequestChangesRequest request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new RequestChangesCommand(milestoneId, request.Reason), ct));

    private static async Task<Ok<MilestoneResponse>> ApproveMilestone(Guid milestoneId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new ApproveMilestoneCommand(milestoneId), ct));

    private static async Task<Ok<RefundResponse>> RefundMilestone(Guid milestoneId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new RefundMilestoneCommand(milestoneId), ct));

    private static async Task<Ok<MilestoneResponse>> CancelMilestone(Guid milestoneId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new CancelMilestoneCommand(milestoneId), ct));
}
