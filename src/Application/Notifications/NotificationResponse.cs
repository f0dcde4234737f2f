using OpenTrain.Clean.Domain.Notifications;

namespace OpenTrain.Clean.Application.Notifications;

public sealed record NotificationResponse(Guid Id, NotificationKind Kind, string Title, string Body, Guid? MilestoneId, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt)
{
    internal static NotificationResponse From(Notification n) =>
        new(n.Id.Value, n.Kind, n.Title, n.Body, n.MilestoneId?.Value, n.CreatedAt, n.ReadAt);
}

public sealed record NotificationFeedResponse(int UnreadCount, IReadOnlyList<NotificationResponse> Data);
