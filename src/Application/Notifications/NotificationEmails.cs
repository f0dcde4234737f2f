using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Notifications;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Application.Notifications;

/// <summary>
/// E-mails a notification once it is committed: its own outbox message, handled once. A failed send is
/// retried by the outbox; the message id is the notification's, so a send repeated after a crash between
/// sending and marking the message handled is recognised as the same e-mail by the receiving servers.
/// </summary>
public sealed class NotificationEmails(
    IRepository<Notification, NotificationId> notifications,
    IRepository<UserProfile, UserId> users,
    IEmailSender email) : IDomainEventHandler<NotificationCreated>
{
    public async Task HandleAsync(NotificationCreated domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        var notification = await notifications.FindAsync(domainEvent.NotificationId, cancellationToken);
        var profile = await users.FindAsync(domainEvent.UserId, cancellationToken);
        if (notification is null || string.IsNullOrWhiteSpace(profile?.Email))
        {
            return;
        }

        await email.SendAsync(new EmailMessage(profile.Email, notification.Title, notification.Body, notification.Id.Value), cancellationToken);
    }
}
