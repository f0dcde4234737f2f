using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Notifications;

namespace OpenTrain.Clean.Application.Notifications;

/// <summary>The caller marks one of their notifications read.</summary>
public sealed record MarkNotificationReadCommand(Guid NotificationId) : ICommand<NotificationResponse>;

public sealed class MarkNotificationReadHandler(IRepository<Notification, NotificationId> notifications, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<MarkNotificationReadCommand, NotificationResponse>
{
    public async ValueTask<NotificationResponse> Handle(MarkNotificationReadCommand command, CancellationToken cancellationToken)
    {
        var notification = await notifications.FindAsync(new NotificationId(command.NotificationId), cancellationToken);
        if (notification is null || notification.UserId != user.Id)
        {
            throw new NotFoundException("Notification", command.NotificationId);
        }

        notification.MarkRead(clock.GetUtcNow());
        return NotificationResponse.From(notification);
    }
}
