using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Notifications;
using OpenTrain.Clean.Application.Ops;
using OpenTrain.Clean.Application.Payouts.Accounts;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class PayoutsEndpoints
{
    public static void MapPayouts(this IEndpointRouteBuilder app)
    {
        var payouts = app.MapGroup("/api/v1/payouts").WithTags("Payouts");
        payouts.MapGet("/countries", ListCountries).WithSummary("Countries where trainers can set up payouts");
        var account = payouts.MapGroup("/account").RequireAuthorization(Authentication.TrainerOnly);
        account.MapGet("/", GetAccount).WithSummary("The trainer's payout setup (Settings -> Payouts)")
            .WithDescription("status: not_started, onboarding, enabled or restricted; requirementsDue lists what is still needed; pendingPayouts counts approved milestones waiting.");
        account.MapPost("/", StartAccount).WithSummary("Add Payout Method: start payout setup in a country")
            .WithDescription("Creates the trainer's connected account. 422 payout_country_unsupported names the supported countries.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        account.MapPost("/onboarding-link", CreateOnboardingLink).WithSummary("A link to the hosted onboarding form")
            .WithDescription("Identity, tax and bank details are entered on the provider's hosted page; links expire, so ask for a new one each time.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        var notifications = app.MapGroup("/api/v1/notifications").WithTags("Notifications");
        notifications.MapGet("/", ListNotifications).WithSummary("The caller's notifications, unread first");
        notifications.MapPost("/{notificationId:guid}/read", MarkRead).WithSummary("Mark a notification read").ProducesProblem(StatusCodes.Status404NotFound);

        var ops = app.MapGroup("/api/v1/ops").WithTags("Operations").RequireAuthorization(Authentication.AdminOnly);
        ops.MapGet("/outbox", ListOutbox).WithSummary("Outbox messages by status (admin)")
            .WithDescription("status=parked shows messages that failed every attempt; status=pending those waiting or retrying.");
        ops.MapGet("/payouts", ListUnpaidPayouts).WithSummary("Unpaid payouts (admin)")
            .WithDescription("Every approved payout that is not paid, with why it waits: queued, payout_setup_incomplete, retrying (with the next attempt), disputed or parked (refused for good, retry it). Filters: reason, trainerId.");
        ops.MapPost("/payouts/{milestoneId:guid}/retry", RetryPayout).WithSummary("Send a parked payout again (admin)")
            .WithDescription("Puts the payout back in the queue; the payout job sends it with the milestone's idempotency key, so it can never pay twice.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        ops.MapPost("/outbox/{messageId:guid}/retry", RetryOutbox).WithSummary("Put an outbox message back in the queue (admin)")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <param name="Country" example="US">ISO 3166-1 alpha-2.</param>
    public sealed record StartPayoutAccountRequest(string Country);

    private static async Task<Ok<PayoutCountriesResponse>> ListCountries(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new ListPayoutCountriesQuery(), ct));

    private static async Task<Ok<PayoutAccountResponse>> GetAccount(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetPayoutAccountQuery(), ct));

    private static async Task<Ok<PayoutAccountResponse>> StartAccount(StartPayoutAccountRequest request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new StartPayoutAccountCommand(request.Country), ct));

    private static async Task<Ok<OnboardingLinkResponse>> CreateOnboardingLink(NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new CreateOnboardingLinkCommand(), ct));

    private static async Task<Ok<NotificationFeedResponse>> ListNotifications(ISender sender, CancellationToken ct, bool unreadOnly = false, int limit = 50) =>
        TypedResults.Ok(await sender.Send(new ListNotificationsQuery(unreadOnly, limit), ct));

    private static async Task<Ok<NotificationResponse>> MarkRead(Guid notificationId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new MarkNotificationReadCommand(notificationId), ct));

    private static async Task<Ok<IReadOnlyList<OutboxMessageResponse>>> ListOutbox(ISender sender, CancellationToken ct, string? status = null, int limit = 100) =>
        TypedResults.Ok(await sender.Send(new ListOutboxMessagesQuery(QueryEnum.Parse<OutboxMessageState>(status, "status") ?? OutboxMessageState.Pending, limit), ct));

    private static async Task<Ok<IReadOnlyList<UnpaidPayoutResponse>>> ListUnpaidPayouts(ISender sender, CancellationToken ct, string? reason = null, Guid? trainerId = null, int limit = 100) =>
        TypedResults.Ok(await sender.Send(new ListUnpaidPayoutsQuery(QueryEnum.Parse<UnpaidPayoutReason>(reason, "reason"), trainerId, limit), ct));

    private static async Task<Ok<Application.Milestones.MilestoneResponse>> RetryPayout(Guid milestoneId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new RetryPayoutCommand(milestoneId), ct));

    private static async Task<Ok<OutboxMessageResponse>> RetryOutbox(Guid messageId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new RetryOutboxMessageCommand(messageId), ct));
}
