using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Application.Notifications;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class NotificationsEndpoints
{
    public static void MapNotifications(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/api/v1/notifications").WithTags("Notifications");
        notifications.MapGet("/", ListNotifications).WithSummary("The caller's notifications, unread first");
        notifications.MapPost("/{notificationId:guid}/read", MarkRead).WithSummary("Mark a notification read").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<NotificationFeedResponse>> ListNotifications(ISender sender, CancellationToken ct, bool unreadOnly = false, int limit = 50) =>
        TypedResults.Ok(await sender.Send(new ListNotificationsQuery(unreadOnly, limit), ct));

    private static async Task<Ok<NotificationResponse>> MarkRead(Guid notificationId, NoInput? request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new MarkNotificationReadCommand(notificationId), ct));
}
