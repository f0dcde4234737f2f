using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Ops;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class OpsEndpoints
{
    public static void MapOps(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/api/v1/ops").WithTag("Operations", "Admin only: parked outbox messages and payouts, and putting them back in the queue.").RequireAuthorization(Authentication.AdminOnly);
        ops.MapGet("/outbox", ListOutboxMessages).WithSummary("Outbox messages by status (admin)")
            .WithDescription("status=parked shows messages that failed every attempt; status=pending those waiting or retrying.");
        ops.MapGet("/payouts", ListUnpaidPayouts).WithSummary("Unpaid payouts (admin)")
            .WithDescription("Every approved payout that is not paid, with why it waits: queued, payout_setup_incomplete, retrying (with the next attempt), disputed or parked (refused for good, retry it). Filters: reason, trainerId.");
        ops.MapPost("/payouts/{milestoneId:guid}/retry", RetryPayout).WithSummary("Send a parked payout again (admin)")
            .WithDescription("Puts the payout back in the queue; the payout job sends it with the milestone's idempotency key, so it can never pay twice.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        ops.MapPost("/outbox/{messageId:guid}/retry", RetryOutboxMessage).WithSummary("Put an outbox message back in the queue (admin)")
            .WithDescription("A parked or pending message is due again now (its attempts are kept); a processed one is returned unchanged.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<IReadOnlyList<OutboxMessageResponse>>> ListOutboxMessages(ISender sender, CancellationToken ct, QueryEnum<OutboxMessageState>? status = null, int limit = 100) =>
        TypedResults.Ok(await sender.Send(new ListOutboxMessagesQuery(status?.Value ?? OutboxMessageState.Pending, limit), ct));

    private static async Task<Ok<IReadOnlyList<UnpaidPayoutResponse>>> ListUnpaidPayouts(
        ISender sender, CancellationToken ct, QueryEnum<UnpaidPayoutReason>? reason = null, Guid? trainerId = null, int limit = 100) =>
        TypedResults.Ok(await sender.Send(new ListUnpaidPayoutsQuery(reason?.Value, trainerId, limit), ct));

    private static async Task<Ok<Application.Milestones.MilestoneResponse>> RetryPayout(Guid milestoneId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new RetryPayoutCommand(milestoneId), ct));

    private static async Task<Ok<OutboxMessageResponse>> RetryOutboxMessage(Guid messageId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new RetryOutboxMessageCommand(messageId), ct));
}
