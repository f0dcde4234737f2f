using OpenTrain.Clean.Application.Billing.Subscription;
using OpenTrain.Clean.Application.Contracts;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Payouts.Accounts;

namespace OpenTrain.Clean.Application.IntegratorEvents;

/// <summary>One kind of event: its name, when it happens, and the resource its <c>data</c> holds.</summary>
public sealed record IntegratorEventKind(string Type, string ResourceType, Type DataType, string Description);

/// <summary>
/// Every event an integrator can receive. The names are part of the API: add, never rename.
/// Each event is sent to the parties of its resource who can read it (the employer and the trainer of
/// a milestone or contract; an invoice's holder; the trainer for payout accounts; the employer for
/// subscriptions), with <c>data</c> as the API shows that resource to that party.
/// </summary>
public static class IntegratorEventCatalog
{
    public const string ApiVersion = "v1";

    public const string Milestone = "milestone";
    public const string Contract = "contract";
    public const string Invoice = "invoice";
    public const string PayoutAccount = "payout_account";
    public const string Subscription = "subscription";

    public const string ContractCreated = "contract.created";
    public const string MilestoneCreated = "milestone.created";
    public const string MilestoneFundingStarted = "milestone.funding_started";
    public const string MilestoneFunded = "milestone.funded";
    public const string MilestoneFundingFailed = "milestone.funding_failed";
    public const string MilestoneSubmitted = "milestone.submitted";
    public const string MilestoneChangesRequested = "milestone.changes_requested";
    public const string MilestoneApproved = "milestone.approved";
    public const string PayoutPending = "payout.pending";
    public const string PayoutRetrying = "payout.retrying";
    public const string PayoutPaid = "payout.paid";
    public const string PayoutFailed = "payout.failed";
    public const string MilestoneRefunded = "milestone.refunded";
    public const string MilestoneDisputed = "milestone.disputed";
    public const string MilestoneDisputeClosed = "milestone.dispute_closed";
    public const string MilestoneDuplicateChargeRefunded = "milestone.duplicate_charge_refunded";
    public const string InvoiceIssued = "invoice.issued";
    public const string InvoicePaymentStatusChanged = "invoice.payment_status_changed";
    public const string PayoutAccountUpdated = "payout_account.updated";
    public const string SubscriptionUpdated = "subscription.updated";

    public static readonly IReadOnlyList<IntegratorEventKind> Kinds =
    [
        new(ContractCreated, Contract, typeof(ContractResponse), "A trainer was hired: the contract exists (its first milestone follows in milestone.created)."),
        new(MilestoneCreated, Milestone, typeof(MilestoneResponse), "A milestone was added to a contract (at hire, or later from the Contract tab)."),
        new(MilestoneFundingStarted, Milestone, typeof(MilestoneResponse), "The employer's payment method is being charged for the milestone (status funding)."),
        new(MilestoneFunded, Milestone, typeof(MilestoneResponse), "The charge succeeded and the money is held in escrow (status active_funded)."),
        new(MilestoneFundingFailed, Milestone, typeof(MilestoneResponse), "The charge failed or was declined; the milestone is not_funded again with funding.lastError kept."),
        new(MilestoneSubmitted, Milestone, typeof(MilestoneResponse), "The trainer marked the work complete and requests approval (status pending_approval)."),
        new(MilestoneChangesRequested, Milestone, typeof(MilestoneResponse), "The employer sent the work back (status active_funded, changesRequestedReason set)."),
        new(MilestoneApproved, Milestone, typeof(MilestoneResponse), "The employer approved; the payout to the trainer is queued (status payout_pending)."),
        new(PayoutPending, Milestone, typeof(MilestoneResponse), "The payout waits; payout.reason says why (payout_setup_incomplete, disputed, queued)."),
        new(PayoutRetrying, Milestone, typeof(MilestoneResponse), "Stripe reported a retryable transfer condition; payout.nextAttemptAt says when it is tried again."),
        new(PayoutPaid, Milestone, typeof(MilestoneResponse), "The transfer to the trainer's connected account was made (status paid, payout.transferId)."),
        new(PayoutFailed, Milestone, typeof(MilestoneResponse), "Stripe refused the transfer for good; support has been alerted (payout.status failed, payout.lastError)."),
        new(MilestoneRefunded, Milestone, typeof(MilestoneResponse), "Support refunded the held money to the employer (status refunded)."),
        new(MilestoneDisputed, Milestone, typeof(MilestoneResponse), "The employer's bank opened a dispute on the funding charge; the payout waits until it closes (disputed true)."),
        new(MilestoneDisputeClosed, Milestone, typeof(MilestoneResponse), "The dispute on the funding charge closed (disputed false). Won: a waiting payout is queued again (payout.reason queued). Lost: the card network returned the money, so payout.failed (approved) or milestone.refunded (still held) follows in the same change."),
        new(MilestoneDuplicateChargeRefunded, Milestone, typeof(MilestoneResponse), "A charge of a funding attempt that funded nothing (it succeeded after another attempt funded the milestone, or after it moved on) was refunded to the employer with reason duplicate, once; the timeline's duplicate_charge_refunded entry names its PaymentIntent. Sent to the employer only."),
        new(InvoiceIssued, Invoice, typeof(InvoiceResponse), "An invoice was issued: a funding invoice or credit note to the employer, a payout invoice to the trainer, a subscription invoice."),
        new(InvoicePaymentStatusChanged, Invoice, typeof(InvoiceResponse), "An invoice's payment status changed (pending, paid, failed, refunded)."),
        new(PayoutAccountUpdated, PayoutAccount, typeof(PayoutAccountResponse), "The trainer's payout setup was started or its status, payouts or requirements changed."),
        new(SubscriptionUpdated, Subscription, typeof(SubscriptionResponse), "The employer's plan or its subscription's status changed."),
    ];

    private static readonly Dictionary<string, int> Order = Kinds.Select((k, i) => (k.Type, i)).ToDictionary(x => x.Type, x => x.i, StringComparer.Ordinal);

    public static bool IsKnown(string type) => Order.ContainsKey(type);

    /// <summary>The type's place in the catalog, which follows the lifecycle: it orders the events of one change.</summary>
    public static int IndexOf(string type) => Order.TryGetValue(type, out var index) ? index : int.MaxValue;
}
