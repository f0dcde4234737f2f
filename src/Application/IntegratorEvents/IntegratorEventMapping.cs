using OpenTrain.Clean.Application.Billing.Subscription;
using OpenTrain.Clean.Application.Contracts;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Payouts.Accounts;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.IntegratorEvents;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Notifications;
using OpenTrain.Clean.Domain.Payouts;
using OpenTrain.Clean.Domain.Users;
using Catalog = OpenTrain.Clean.Application.IntegratorEvents.IntegratorEventCatalog;

namespace OpenTrain.Clean.Application.IntegratorEvents;

/// <summary>An integrator event about to be written: for whom, about what, and the resource as that party sees it now.</summary>
public sealed record IntegratorEventDraft(string Type, UserId RecipientId, string ResourceType, Guid ResourceId, object Data);

/// <summary>What an event's data needs beyond its aggregate, read inside the transaction that writes the event.</summary>
public interface IIntegratorEventFacts
{
    ValueTask<int> CountPendingPayoutsAsync(UserId trainerId, CancellationToken cancellationToken);
}

/// <summary>
/// Which domain event becomes which catalog event, for whom, with which data. Called while the change is
/// being saved, with the aggregate in the state being committed, so <c>data</c> is a snapshot of that moment.
/// </summary>
public static class IntegratorEventMapping
{
    /// <summary>
    /// The domain events that deliberately become no integrator event, each with its reason. Every other domain
    /// event must map to a catalog type: a test enumerates them all, so a new event is either mapped or listed here.
    /// </summary>
    public static IReadOnlyDictionary<Type, string> NotForIntegrators { get; } = new Dictionary<Type, string>
    {
        // Told by another event of the same change.
        [typeof(MilestoneLatePaymentAccepted)] = "Raised with MilestoneFunded in the same change (a late charge funds the milestone): milestone.funded tells it; the timeline says funded_late.",
        [typeof(ContractActivated)] = "Raised in the same change as the contract's first milestone.funded, which tells it; the catalog has no contract status events.",
        [typeof(PayoutAccountEnabled)] = "Raised with PayoutAccountUpdated in the same change, which becomes payout_account.updated; it only releases the payouts that waited.",

        // Internal triggers: no state an integrator reads changes.
        [typeof(MilestoneDuplicateChargeDetected)] = "Triggers the duplicate's refund after commit (DuplicateChargeRefund); the milestone's status and funding do not change, and the employer gets milestone.duplicate_charge_refunded once the money is back.",
        [typeof(UserRegistered)] = "The account's own registration: no resource of the catalog.",
        [typeof(NotificationCreated)] = "Sends the notification's e-mail once after the notification commits; the notification feed is the user's own inbox, not a catalog resource, and the event that caused the notification is in the catalog.",

        // Answered to the caller, or about things outside the catalog's resources.
        [typeof(MilestoneFundingAwaitingAction)] = "3-D Secure or a bank debit pending: the fund call's own answer gives the employer the outcome and the client secret; milestone.funded or milestone.funding_failed follows.",
        [typeof(MilestoneUpdated)] = "The employer's own edit of an unfunded milestone (no money held), answered by their call; no catalog type (milestone.updated would be new API surface).",
        [typeof(MilestoneCancelled)] = "The employer's own cancellation of an unfunded milestone (no money held), answered by their call; no catalog type (milestone.cancelled would be new API surface).",
        [typeof(ContractEnded)] = "The catalog has no contract status events (contract.created only); ending a contract moves no money.",
        [typeof(JobCreated)] = "Jobs are the employer's own postings, made by their own calls; not a catalog resource.",
        [typeof(JobArchived)] = "Jobs are the employer's own postings, archived by their own calls; not a catalog resource.",
        [typeof(DefaultPaymentMethodChanged)] = "The employer's own call sets it and answers it; payment methods are not a catalog resource.",
        [typeof(MilestoneTransferReversed)] = "Made by support in Stripe's dashboard, never through the API; the milestone stays paid and support follows it up.",
        [typeof(WebhookEndpointDisabled)] = "About the delivery channel itself: its owner gets a notification and an e-mail; the endpoint it disables could not receive it.",
    };

    public static async ValueTask<IReadOnlyList<IntegratorEventDraft>> MapAsync(
        IAggregateRoot aggregate,
        IDomainEvent domainEvent,
        IIntegratorEventFacts facts,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return (aggregate, domainEvent) switch
        {
            (Contract c, TrainerHired) => [ForContract(Catalog.ContractCreated, c, c.EmployerId), ForContract(Catalog.ContractCreated, c, c.TrainerId)],
            (Milestone m, MilestoneCreated) => ForParties(Catalog.MilestoneCreated, m),
            (Milestone m, MilestoneFundingStarted) => ForParties(Catalog.MilestoneFundingStarted, m),
            (Milestone m, MilestoneFunded) => ForParties(Catalog.MilestoneFunded, m),
            (Milestone m, MilestoneFundingFailed) => ForParties(Catalog.MilestoneFundingFailed, m),
            (Milestone m, MilestoneSubmitted) => ForParties(Catalog.MilestoneSubmitted, m),
            (Milestone m, MilestoneChangesRequested) => ForParties(Catalog.MilestoneChangesRequested, m),
            (Milestone m, MilestoneApproved) => ForParties(Catalog.MilestoneApproved, m),
            (Milestone m, MilestonePayoutDeferred { Reason: PayoutPendingReason.Retrying }) => ForParties(Catalog.PayoutRetrying, m),
            (Milestone m, MilestonePayoutDeferred) => ForParties(Catalog.PayoutPending, m),
            (Milestone m, MilestonePayoutRetryRequested) => ForParties(Catalog.PayoutPending, m),
            (Milestone m, MilestonePaid) => ForParties(Catalog.PayoutPaid, m),
            (Milestone m, MilestonePayoutFailed) => ForParties(Catalog.PayoutFailed, m),
            (Milestone m, MilestoneRefunded) => ForParties(Catalog.MilestoneRefunded, m),
            (Milestone m, MilestoneDisputeOpened) => ForParties(Catalog.MilestoneDisputed, m),
            (Milestone m, MilestoneDisputeClosed) => ForParties(Catalog.MilestoneDisputeClosed, m),
            (Milestone m, MilestoneDuplicateChargeRefunded) => [ForEmployer(Catalog.MilestoneDuplicateChargeRefunded, m)],
            (Invoice i, InvoiceIssued) => [ForInvoice(Catalog.InvoiceIssued, i)],
            (Invoice i, InvoicePaymentStatusChanged) => [ForInvoice(Catalog.InvoicePaymentStatusChanged, i)],
            (TrainerPayoutAccount a, PayoutAccountUpdated) =>
                [new IntegratorEventDraft(Catalog.PayoutAccountUpdated, a.Id, Catalog.PayoutAccount, a.Id.Value, await PayoutAccountDataAsync(a, facts, cancellationToken))],
            (EmployerBillingProfile p, EmployerSubscriptionUpdated) =>
                [new IntegratorEventDraft(Catalog.SubscriptionUpdated, p.Id, Catalog.Subscription, p.Id.Value, new SubscriptionResponse(p.Plan, p.SubscriptionStatus, p.SubscriptionId, null))],
            _ => [],
        };
    }

    private static IntegratorEventDraft ForContract(string type, Contract contract, UserId recipient) =>
        new(type, recipient, Catalog.Contract, contract.Id.Value, contract.ToResponse());

    /// <summary>Both parties of a milestone see it; only the paying employer sees a 3-D Secure client secret.</summary>
    private static IntegratorEventDraft[] ForParties(string type, Milestone milestone) =>
    [
        ForEmployer(type, milestone),
        new(type, milestone.TrainerId, Catalog.Milestone, milestone.Id.Value, milestone.ToResponse(viewerIsEmployer: false, includeTimeline: true)),
    ];

    /// <summary>The employer's own money (a charge of their payment method): the trainer's money does not change.</summary>
    private static IntegratorEventDraft ForEmployer(string type, Milestone milestone) =>
        new(type, milestone.EmployerId, Catalog.Milestone, milestone.Id.Value, milestone.ToResponse(viewerIsEmployer: true, includeTimeline: true));

    /// <summary>An invoice has one holder: the trainer for a payout invoice, the employer for every other kind.</summary>
    private static IntegratorEventDraft ForInvoice(string type, Invoice invoice)
    {
        var holder = invoice.Kind == InvoiceKind.TrainerPayout && invoice.TrainerId is { } trainerId ? trainerId : invoice.EmployerId;
        return new(type, holder, Catalog.Invoice, invoice.Id.Value, invoice.ToResponse());
    }

    private static async ValueTask<PayoutAccountResponse> PayoutAccountDataAsync(TrainerPayoutAccount account, IIntegratorEventFacts facts, CancellationToken cancellationToken) =>
        new(account.Status, account.Country, account.ConnectedAccountId, account.PayoutsEnabled, [.. account.RequirementsDue],
            await facts.CountPendingPayoutsAsync(account.Id, cancellationToken));
}
