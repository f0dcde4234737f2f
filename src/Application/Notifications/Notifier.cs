using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Notifications;

namespace OpenTrain.Clean.Application.Notifications;

/// <summary>
/// Puts a notification in the user's feed, once per event and recipient: a redelivered event finds its
/// notification and adds nothing. Its e-mail goes out after the notification is committed
/// (<see cref="NotificationEmails"/>), never from inside the transaction that may still roll back.
/// </summary>
public sealed class Notifier(
    IRepository<Notification, NotificationId> notifications,
    IReadStore store,
    TimeProvider clock)
{
    public async Task NotifyAsync(UserId recipient, NotificationKind kind, string title, string body, MilestoneId? milestoneId, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var eventId = context.EventId;
        if (await store.AnyAsync(store.Query<Notification>().Where(n => n.SourceEventId == eventId && n.UserId == recipient), cancellationToken))
        {
            return;
        }

        notifications.Add(Notification.Create(recipient, kind, title, body, milestoneId, eventId, clock.GetUtcNow()));
    }

    public static string Describe(string title, Money amount) => $"\"{title}\" ({amount})";
}
