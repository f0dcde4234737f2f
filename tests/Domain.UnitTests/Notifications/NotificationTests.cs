using OpenTrain.Clean.Domain.Notifications;

namespace OpenTrain.Clean.Domain.UnitTests.Notifications;

public sealed class NotificationTests
{
    [Fact]
    public void Create_WhenTheBodyQuotesALongReason_CutsTitleAndBodyToFitAndRaisesNotificationCreated()
    {
        var body = $"The employer asked for changes to \"{new string('t', 200)}\" ($500.00): {new string('r', 2000)}";

        var notification = Notification.Create(Parties.Trainer, NotificationKind.MilestoneChangesRequested, new string('T', 300), body, null, Guid.NewGuid(), Moments.Now);

        Assert.Equal(Notification.MaxBodyLength, notification.Body.Length);
        Assert.Equal(Notification.MaxTitleLength, notification.Title.Length);
        Assert.StartsWith("The employer asked for changes to", notification.Body, StringComparison.Ordinal);
        var created = Assert.IsType<NotificationCreated>(Assert.Single(notification.DomainEvents));
        Assert.Equal(notification.Id, created.NotificationId);
        Assert.Equal(Parties.Trainer, created.UserId);
    }
}
