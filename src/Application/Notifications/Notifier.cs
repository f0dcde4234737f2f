using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Notifications;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Application.Notifications;

/// <summary>
/// Puts a notification in the user's feed and e-mails it. Once per event and recipient: a
/// redelivered event finds its notification and sends nothing again.
/// </summary>
public sealed class Notifier(
    IRepository<Notification, NotificationId> notifications,
    IRepository<UserProfile, UserId> users,
    IReadStore store,
    IEmailSender email,
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
        var profile = await users.FindAsync(recipient, cancellationToken);
        if (!string.IsNullOrWhiteSpace(profile?.Email))
        {
            // A failed send fails the whole delivery, which the outbox retries; the feed entry then rolls back with it.
            await email.SendAsync(new EmailMessage(profile.Email, title, body), cancellationToken);
        }
    }

    public static string Describe(Milestone milestone) => $"\"{milestone.Title}\" ({milestone.Amount})";
}
