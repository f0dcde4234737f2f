using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Application.Milestones.RefundMilestone;
using OpenTrain.Clean.Application.Payouts.Accounts;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Webhooks;

public enum WebhookOutcome
{
    Applied,
    Duplicate,
    Ignored,
}

/// <summary>
/// Applies one provider event, once, in one transaction with the record of its id. Events arrive
/// late, twice or out of order: every effect is a monotonic transition (a result for a funding
/// attempt that is no longer in flight, a dispute already open, a refund already made change
/// nothing) or re-reads the object from the provider (account.updated).
/// </summary>
public sealed record ApplyProviderEventCommand(ProviderEvent Event) : ICommand<WebhookOutcome>;

public sealed partial class ApplyProviderEventHandler(
    IWebhookInbox inbox,
    ISender sender,
    IReadStore store,
    IMilestoneRepository milestones,
    IInvoiceRepository invoices,
    IInvoiceNumberSequence invoiceNumbers,
    IRepository<EmployerBillingProfile, UserId> billingProfiles,
    IPaymentGateway payments,
    Microsoft.Extensions.Logging.ILogger<ApplyProviderEventHandler> logger,
    TimeProvider clock) : ICommandHandler<ApplyProviderEventCommand, WebhookOutcome>
{
    public async ValueTask<WebhookOutcome> Handle(ApplyProviderEventCommand command, CancellationToken cancellationToken)
    {
        var providerEvent = command.Event;
        if (!await inbox.TryRecordAsync(providerEvent.EventId, providerEvent.Type, cancellationToken))
        {
            return WebhookOutcome.Duplicate;
        }

        var now = clock.GetUtcNow();
        switch (providerEvent)
        {
            case PaymentIntentChanged changed:
                return await ApplyFundingAsync(changed, cancellationToken);
            case ChargeRefunded refunded:
                return await ApplyRefundAsync(refunded, now, cancellationToken);
            case DisputeChanged dispute:
                return await ApplyDisputeAsync(dispute, now, cancellationToken);
            case ConnectedAccountUpdated account:
                return await sender.Send(new SyncPayoutAccountCommand(account.AccountId), cancellationToken) ? WebhookOutcome.Applied : WebhookOutcome.Ignored;
            case TransferReversed reversed:
                var paid = await FindMilestoneAsync(m => m.TransferId == reversed.TransferId, cancellationToken);
                if (paid?.Status != MilestoneStatus.Paid)
                {
                    return WebhookOutcome.Ignored;
                }

                paid.RecordTransferReversal(reversed.AmountReversed, now);
                return WebhookOutcome.Applied;
            case SubscriptionChanged subscription:
                return await ApplySubscriptionAsync(subscription, now, cancellationToken);
            case SubscriptionInvoiceChanged invoice:
                return await ApplySubscriptionInvoiceAsync(invoice, now, cancellationToken);
            default:
                return WebhookOutcome.Ignored;
        }
    }

    private async Task<WebhookOutcome> ApplyFundingAsync(PaymentIntentChanged changed, CancellationToken cancellationToken)
    {
        if (!changed.Metadata.TryGetValue("milestone_id", out var milestone) || !Guid.TryParse(milestone, out var milestoneId)
            || !changed.Metadata.TryGetValue("funding_attempt", out var attemptText) || !int.TryParse(attemptText, System.Globalization.CultureInfo.InvariantCulture, out var attempt))
        {
            return WebhookOutcome.Ignored;
        }

        var current = await store.FirstOrDefaultAsync(
            store.Query<Milestone>().Where(m => m.Id == new MilestoneId(milestoneId)).Select(m => new { m.Status, m.FundingAttempts, m.PaymentIntentId, m.Amount }),
            cancellationToken);
        if (current is null)
        {
            return WebhookOutcome.Ignored;
        }

        if (current.Status == MilestoneStatus.Funding && current.FundingAttempts == attempt)
        {
            await sender.Send(new RecordFundingResultCommand(milestoneId, attempt, changed.Result), cancellationToken);
            return WebhookOutcome.Applied;
        }

        // A charge of an attempt that is no longer the milestone's (a late 3-D Secure on an earlier attempt
        // after a later one funded it, say): the employer would pay twice. Give it back, once, by its own key.
        if (changed.Result is { Outcome: FundingOutcome.Succeeded, PaymentIntentId: { } orphan } && orphan != current.PaymentIntentId)
        {
            var refund = await payments.RefundAsync(
                new RefundRequest(orphan, changed.Result.ChargeId, new Money(changed.Amount ?? 0, current.Amount.Currency), $"orphan-refund-{orphan}",
                    new Dictionary<string, string> { ["milestone_id"] = milestoneId.ToString(), ["reason"] = "superseded_funding_attempt" }),
                cancellationToken);
            LogOrphanRefunded(milestoneId, attempt, orphan, refund.Outcome.ToString());
            return WebhookOutcome.Applied;
        }

        return WebhookOutcome.Ignored;
    }

    private async Task<WebhookOutcome> ApplyRefundAsync(ChargeRefunded refunded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var milestone = await FindMilestoneAsync(m => m.ChargeId == refunded.ChargeId, cancellationToken);
        if (milestone is { Status: MilestoneStatus.Releasing, PayoutStatus: PayoutStatus.Pending })
        {
            // Refunded in Stripe's dashboard after approval: the payout must not go out on money that left.
            milestone.FailPayout($"The funding charge {refunded.ChargeId} was refunded; the payout is parked for support.", now);
            return WebhookOutcome.Applied;
        }

        if (milestone is null || !refunded.FullyRefunded || milestone.Status is not (MilestoneStatus.Funded or MilestoneStatus.Submitted) || milestone.IsDisputed)
        {
            return WebhookOutcome.Ignored;
        }

        await sender.Send(new RecordRefundCommand(milestone.Id.Value, refunded.RefundId ?? refunded.ChargeId), cancellationToken);
        return WebhookOutcome.Applied;
    }

    private async Task<WebhookOutcome> ApplyDisputeAsync(DisputeChanged dispute, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var milestone = await FindMilestoneAsync(m => m.ChargeId == dispute.ChargeId, cancellationToken);
        if (milestone is null)
        {
            return WebhookOutcome.Ignored;
        }

        if (!dispute.Closed)
        {
            if (milestone.IsDisputed || !milestone.Status.IsHeldInEscrow())
            {
                return WebhookOutcome.Ignored;
            }

            milestone.OpenDispute(dispute.DisputeId, now);
            return WebhookOutcome.Applied;
        }

        if (milestone.DisputeId != dispute.DisputeId)
        {
            return WebhookOutcome.Ignored;
        }

        milestone.CloseDispute(now);
        if (dispute.Status == "lost" && milestone.Status == MilestoneStatus.Releasing && milestone.PayoutStatus == PayoutStatus.Pending)
        {
            // Approved, but the card network took the money back: there is nothing left to pay out.
            milestone.FailPayout($"Dispute {dispute.DisputeId} was lost: the funds went back to the cardholder.", now);
        }

        if (dispute.Status == "lost" && milestone.Status is MilestoneStatus.Funded or MilestoneStatus.Submitted)
        {
            // The card network returned the money to the employer: nothing is left to release.
            await sender.Send(new RecordRefundCommand(milestone.Id.Value, $"dispute:{dispute.DisputeId}"), cancellationToken);
        }

        return WebhookOutcome.Applied;
    }

    private async Task<WebhookOutcome> ApplySubscriptionAsync(SubscriptionChanged subscription, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var profile = await FindBillingProfileAsync(subscription.CustomerId, cancellationToken);
        if (profile is null || (profile.SubscriptionId is not null && profile.SubscriptionId != subscription.SubscriptionId))
        {
            // Not ours, or a replaced subscription: the profile follows its current one only.
            return WebhookOutcome.Ignored;
        }

        // Events come in any order; the subscription as it stands now is the truth.
        var current = await payments.GetSubscriptionAsync(subscription.SubscriptionId, cancellationToken);
        profile.ChangePlan(subscription.Plan ?? profile.Plan, current.Status, subscription.SubscriptionId, now);
        return WebhookOutcome.Applied;
    }

    private async Task<WebhookOutcome> ApplySubscriptionInvoiceAsync(SubscriptionInvoiceChanged changed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var profile = await FindBillingProfileAsync(changed.CustomerId, cancellationToken);
        if (profile is null)
        {
            return WebhookOutcome.Ignored;
        }

        var existingId = await store.FirstOrDefaultAsync(
            store.Query<Invoice>().Where(i => i.Kind == InvoiceKind.Subscription && i.PaymentReference == changed.ProviderInvoiceId).Select(i => (InvoiceId?)i.Id),
            cancellationToken);
        var status = changed.Paid ? InvoicePaymentStatus.Paid : InvoicePaymentStatus.Failed;
        if (existingId is { } id && await invoices.FindAsync(id, cancellationToken) is { } invoice)
        {
            if (invoice.PaymentStatus != status && invoice.PaymentStatus != InvoicePaymentStatus.Paid)
            {
                if (changed.Paid)
                {
                    invoice.MarkPaid(changed.ProviderInvoiceId, now);
                }
                else
                {
                    invoice.MarkFailed(changed.ProviderInvoiceId, now);
                }
            }

            return WebhookOutcome.Applied;
        }

        var plan = changed.Plan ?? profile.Plan;
        var number = await invoiceNumbers.NextAsync(InvoiceKind.Subscription, now.Year, cancellationToken);
        var (name, email) = await store.NameOfAsync(profile.Id, cancellationToken);
        invoices.Add(Invoice.IssueSubscription(number, profile.Id, plan.ToString(), new Money(changed.Amount, changed.Currency), status, changed.ProviderInvoiceId, now, name, email));
        return WebhookOutcome.Applied;
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "Milestone {MilestoneId}: funding attempt {Attempt} succeeded after it was superseded ({PaymentIntentId}); refund {Outcome}")]
    private partial void LogOrphanRefunded(Guid milestoneId, int attempt, string paymentIntentId, string outcome);

    private async Task<Milestone?> FindMilestoneAsync(System.Linq.Expressions.Expression<Func<Milestone, bool>> predicate, CancellationToken cancellationToken)
    {
        var id = await store.FirstOrDefaultAsync(store.Query<Milestone>().Where(predicate).Select(m => (MilestoneId?)m.Id), cancellationToken);
        return id is null ? null : await milestones.FindAsync(id.Value, cancellationToken);
    }

    private async Task<EmployerBillingProfile?> FindBillingProfileAsync(string customerId, CancellationToken cancellationToken)
    {
        var id = await store.FirstOrDefaultAsync(store.Query<EmployerBillingProfile>().Where(p => p.CustomerId == customerId).Select(p => (UserId?)p.Id), cancellationToken);
        return id is null ? null : await billingProfiles.FindAsync(id.Value, cancellationToken);
    }
}
