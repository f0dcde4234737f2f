using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Notifications;

public readonly record struct NotificationId(Guid Value) : ITypedId
{
    public static NotificationId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

/// <summary>What a notification is about; the frontends pick icons and links by it.</summary>
public enum NotificationKind
{
    MilestoneFunded,
    MilestoneSubmitted,
    MilestoneChangesRequested,
    MilestoneApproved,
    PayoutSent,
    PayoutWaitingForSetup,
    PayoutFailed,
    FundingFailed,
    MilestoneRefunded,
    WebhookEndpointDisabled,
    PayoutRetrying,
    DisputeOpened,
    DisputeClosed,
    FundedByLatePayment,
    DuplicateChargeRefunded,
}

/// <summary>An entry of a user's in-app feed. Created once per event and recipient.</summary>
public sealed class Notification : AggregateRoot<NotificationId>
{
    private Notification()
    {
        Title = string.Empty;
        Body = string.Empty;
    }

    public UserId UserId { get; private set; }

    public NotificationKind Kind { get; private set; }

    public string Title { get; private set; }

    public string Body { get; private set; }

    public MilestoneId? MilestoneId { get; private set; }

    /// <summary>The event that caused it: with <see cref="UserId"/>, unique, so a redelivered event adds nothing.</summary>
    public Guid SourceEventId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? ReadAt { get; private set; }

    public static Notification Create(UserId userId, NotificationKind kind, string title, string body, MilestoneId? milestoneId, Guid sourceEventId, DateTimeOffset now) => new()
    {
        Id = NotificationId.New(),
        UserId = userId,
        Kind = kind,
        Title = title,
        Body = body,
        MilestoneId = milestoneId,
        SourceEventId = sourceEventId,
        CreatedAt = now,
    };

    /// <summary>Reading is idempotent: the first read time stays.</summary>
    public void MarkRead(DateTimeOffset now) => ReadAt ??= now;
}
