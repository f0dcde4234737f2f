using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Application.Notifications;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class NotificationsEndpoints
{
    public static void MapNotifications(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/api/v1/notifications").WithTag("Notifications", "What happened to the caller's milestones and payouts, unread first.");
        notifications.MapGet("/", ListNotifications).WithSummary("The caller's notifications, unread first")
            .WithDescription("unreadCount counts the unread; unreadOnly=true leaves out the read ones; limit is 1 to 200 (default 50).");
        notifications.MapPost("/{notificationId:guid}/read", MarkNotificationRead).WithSummary("Mark a notification read")
            .WithDescription("Sets readAt once; marking it again changes nothing.").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<NotificationFeedResponse>> ListNotifications(ISender sender, CancellationToken ct, bool unreadOnly = false, int limit = 50) =>
        TypedResults.Ok(await sender.Send(new ListNotificationsQuery(unreadOnly, limit), ct));

    private static async Task<Ok<NotificationResponse>> MarkNotificationRead(Guid notificationId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new MarkNotificationReadCommand(notificationId), ct));
}
