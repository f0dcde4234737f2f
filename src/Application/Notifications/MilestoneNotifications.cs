using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Notifications;

namespace OpenTrain.Clean.Application.Notifications;

/// <summary>Who hears about what happens to a milestone, and in which words.</summary>
public sealed class MilestoneNotifications(Notifier notifier, IReadStore store) :
    IDomainEventHandler<MilestoneFunded>,
    IDomainEventHandler<MilestoneSubmitted>,
    IDomainEventHandler<MilestoneChangesRequested>,
    IDomainEventHandler<MilestoneApproved>,
    IDomainEventHandler<MilestonePaid>,
    IDomainEventHandler<MilestonePayoutDeferred>,
    IDomainEventHandler<MilestonePayoutFailed>,
    IDomainEventHandler<MilestoneFundingFailed>,
    IDomainEventHandler<MilestoneRefunded>,
    IDomainEventHandler<MilestoneDisputeOpened>,
    IDomainEventHandler<MilestoneDisputeClosed>,
    IDomainEventHandler<MilestoneLatePaymentAccepted>,
    IDomainEventHandler<MilestoneDuplicateChargeRefunded>
{
    public async Task HandleAsync(MilestoneRefunded domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        await NotifyAsync(domainEvent.MilestoneId, m => m.EmployerId, NotificationKind.MilestoneRefunded,
            "Milestone refunded", m => $"The funding of {Describe(m)} was refunded to your payment method; a credit note is in Reports.", context, cancellationToken);
        await NotifyAsync(domainEvent.MilestoneId, m => m.TrainerId, NotificationKind.MilestoneRefunded,
            "Milestone refunded", m => $"{Describe(m)} was refunded to the employer by support; it will not be paid out.", context, cancellationToken);
    }

    public Task HandleAsync(MilestoneFunded domainEvent, EventContext context, CancellationToken cancellationToken) =>
        NotifyAsync(domainEvent.MilestoneId, m => m.TrainerId, NotificationKind.MilestoneFunded,
            "Milestone funded", m => $"{Describe(m)} is Active & Funded: the money is held in escrow and you can begin work.", context, cancellationToken);

    public Task HandleAsync(MilestoneSubmitted domainEvent, EventContext context, CancellationToken cancellationToken) =>
        NotifyAsync(domainEvent.MilestoneId, m => m.EmployerId, NotificationKind.MilestoneSubmitted,
            "Milestone ready for review", m => $"The trainer marked {Describe(m)} complete and requests approval.", context, cancellationToken);

    public Task HandleAsync(MilestoneChangesRequested domainEvent, EventContext context, CancellationToken cancellationToken) =>
        NotifyAsync(domainEvent.MilestoneId, m => m.TrainerId, NotificationKind.MilestoneChangesRequested,
            "Changes requested", m => $"The employer asked for changes to {Describe(m)}: {domainEvent.Reason}", context, cancellationToken);

    public Task HandleAsync(MilestoneApproved domainEvent, EventContext context, CancellationToken cancellationToken) =>
        NotifyAsync(domainEvent.MilestoneId, m => m.TrainerId, NotificationKind.MilestoneApproved,
            "Milestone approved", m => $"{Describe(m)} was approved; its payout to your connected account is being released.", context, cancellationToken);

    public Task HandleAsync(MilestonePaid domainEvent, EventContext context, CancellationToken cancellationToken) =>
        NotifyAsync(domainEvent.MilestoneId, m => m.TrainerId, NotificationKind.PayoutSent,
            "Payout sent", m => $"{domainEvent.Payout} for {Describe(m)} was sent to your connected account (transfer {domainEvent.TransferId}).", context, cancellationToken);

    public Task HandleAsync(MilestonePayoutDeferred domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        return domainEvent.Reason switch
        {
            PayoutPendingReason.PayoutSetupIncomplete => NotifyAsync(domainEvent.MilestoneId, m => m.TrainerId, NotificationKind.PayoutWaitingForSetup,
                "Finish your payout setup", m => $"Your payout for {Describe(m)} is waiting: finish setup in Settings -> Payouts and it is sent right away.", context, cancellationToken),
            PayoutPendingReason.Retrying => NotifyAsync(domainEvent.MilestoneId, m => m.TrainerId, NotificationKind.PayoutRetrying,
                "Payout delayed", m => $"Your payout for {Describe(m)} could not be sent yet; it is retried automatically{NextAttempt(domainEvent.NextAttemptAt)}.", context, cancellationToken),
            _ => Task.CompletedTask,
        };
    }

    public async Task HandleAsync(MilestoneDisputeOpened domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        await NotifyAsync(domainEvent.MilestoneId, m => m.EmployerId, NotificationKind.DisputeOpened,
            "Payment disputed", m => $"The card payment funding {Describe(m)} is disputed with your bank (dispute {domainEvent.DisputeId}); its payout is held until the dispute closes.", context, cancellationToken);
        await NotifyAsync(domainEvent.MilestoneId, m => m.TrainerId, NotificationKind.DisputeOpened,
            "Payout on hold", m => $"The employer's payment for {Describe(m)} is disputed; its payout is held until the dispute closes.", context, cancellationToken);
    }

    public async Task HandleAsync(MilestoneDisputeClosed domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        await NotifyAsync(domainEvent.MilestoneId, m => m.EmployerId, NotificationKind.DisputeClosed,
            "Dispute closed", m => $"The dispute {domainEvent.DisputeId} on {Describe(m)} is closed; the milestone is {m.Status.ToApiName()}.", context, cancellationToken);
        await NotifyAsync(domainEvent.MilestoneId, m => m.TrainerId, NotificationKind.DisputeClosed,
            "Dispute closed", m => $"The dispute on {Describe(m)} is closed; the milestone is {m.Status.ToApiName()}.", context, cancellationToken);
    }

    public Task HandleAsync(MilestoneLatePaymentAccepted domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        return NotifyAsync(domainEvent.MilestoneId, m => m.EmployerId, NotificationKind.FundedByLatePayment,
            "Milestone funded", m => $"Your earlier payment of {domainEvent.Charged} (attempt {domainEvent.Attempt}) went through after all: {Describe(m)} is now funded. Nothing else was charged.", context, cancellationToken);
    }

    public Task HandleAsync(MilestoneDuplicateChargeRefunded domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        return NotifyAsync(domainEvent.MilestoneId, m => m.EmployerId, NotificationKind.DuplicateChargeRefunded,
            "Duplicate payment refunded", m => $"A payment of {domainEvent.Amount} for {Describe(m)} went through when it no longer could fund it; it was refunded to your payment method (refund {domainEvent.RefundId ?? domainEvent.PaymentIntentId}).", context, cancellationToken);
    }

    private static string NextAttempt(DateTimeOffset? at) => at is { } next ? $" at {next.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : string.Empty;

    public Task HandleAsync(MilestonePayoutFailed domainEvent, EventContext context, CancellationToken cancellationToken) =>
        NotifyAsync(domainEvent.MilestoneId, m => m.TrainerId, NotificationKind.PayoutFailed,
            "Payout needs attention", m => $"The payout for {Describe(m)} could not be sent; our support team has been alerted.", context, cancellationToken);

    public Task HandleAsync(MilestoneFundingFailed domainEvent, EventContext context, CancellationToken cancellationToken) =>
        NotifyAsync(domainEvent.MilestoneId, m => m.EmployerId, NotificationKind.FundingFailed,
            "Funding failed", m => $"Funding {Describe(m)} failed: {domainEvent.Message} Update your payment method and fund it again.", context, cancellationToken);

    private async Task NotifyAsync(
        MilestoneId milestoneId,
        Func<Subject, UserId> recipient,
        NotificationKind kind,
        string title,
        Func<Subject, string> body,
        EventContext context,
        CancellationToken cancellationToken)
    {
        // The few columns the words need, not the aggregate with its timeline: nothing here changes the milestone.
        var milestone = await store.FirstOrDefaultAsync(
            store.Query<Milestone>().Where(m => m.Id == milestoneId).Select(m => new Subject(m.EmployerId, m.TrainerId, m.Title, m.Amount, m.Status)),
            cancellationToken);
        if (milestone is not null)
        {
            await notifier.NotifyAsync(recipient(milestone), kind, title, body(milestone), milestoneId, context, cancellationToken);
        }
    }

    private static string Describe(Subject milestone) => Notifier.Describe(milestone.Title, milestone.Amount);

    /// <summary>What a notification says about its milestone.</summary>
    private sealed record Subject(UserId EmployerId, UserId TrainerId, string Title, Money Amount, MilestoneStatus Status);
}
