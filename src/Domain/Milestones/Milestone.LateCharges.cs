using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// Charges the provider reports succeeded for an attempt that is no longer in flight (decision 010-late-charges):
/// a failed 3-D Secure the employer retried with the first answer's client secret, a superseded attempt, a bank
/// debit that settled after its milestone moved on. Each such charge either funds this milestone, if it is still
/// fundable and unfunded and the charge is the milestone's price, or is given back exactly once.
/// </summary>
public sealed partial class Milestone
{
    private const string DuplicateChargeFound = "duplicate_charge_found";
    private const string DuplicateChargeRefunded = "duplicate_charge_refunded";

    /// <summary>The milestone's money came from this PaymentIntent: it is the funding, never a duplicate.</summary>
    public bool IsFundedBy(string paymentIntentId) => Funding.FundedAt is not null && Funding.PaymentIntentId == paymentIntentId;

    /// <summary>
    /// A late success of <paramref name="attempt"/> may fund the milestone: nothing funds it yet, no other
    /// attempt is in flight, <paramref name="charged"/> is what the milestone costs now, and the charge was
    /// not already taken for a duplicate (whose refund may be under way).
    /// </summary>
    public bool CanBeFundedLate(int attempt, string paymentIntentId, Money charged) =>
        Status == MilestoneStatus.NotFunded && attempt >= 1 && attempt <= Funding.Attempts && charged == EmployerTotal
        && !HasChargeEntry(DuplicateChargeFound, paymentIntentId);

    /// <summary>A failed attempt succeeded after all: its charge funds the milestone (the employer is told).</summary>
    public void FundLate(int attempt, string paymentIntentId, string? chargeId, Money charged, DateTimeOffset now)
    {
        if (!CanBeFundedLate(attempt, paymentIntentId, charged))
        {
            throw new DomainException(
                MilestoneErrors.NotFundable,
                $"Milestone {Id} is {Status.ToApiName()} (or the charge of {charged} is not its price of {EmployerTotal}); a late charge cannot fund it.");
        }

        Funding = Funding.Funded(paymentIntentId, chargeId, now);
        NextFundingCheckAt = null;
        TransitionTo(MilestoneStatus.ActiveFunded, now, "funded_late", null, paymentIntentId, new MilestoneFunded(Id, ContractId, TrainerId, paymentIntentId, now));
        Raise(new MilestoneLatePaymentAccepted(Id, EmployerId, attempt, paymentIntentId, charged, now));
    }

    /// <summary>
    /// A succeeded charge that funds nothing: kept on the timeline and raised, so that it is refunded once.
    /// False when this charge was already recorded (a webhook and reconciliation may both report it).
    /// </summary>
    public bool RecordDuplicateCharge(int attempt, string paymentIntentId, string? chargeId, Money charged, DateTimeOffset now)
    {
        if (IsFundedBy(paymentIntentId))
        {
            throw new DomainException(MilestoneErrors.NotRefundable, $"PaymentIntent {paymentIntentId} funds milestone {Id}; it is not a duplicate.");
        }

        if (HasChargeEntry(DuplicateChargeFound, paymentIntentId))
        {
            return false;
        }

        Record(now, DuplicateChargeFound, null, paymentIntentId, new MilestoneDuplicateChargeDetected(Id, EmployerId, attempt, paymentIntentId, chargeId, charged, now));
        return true;
    }

    /// <summary>Whether a duplicate charge was found on this PaymentIntent and not yet given back.</summary>
    public bool IsDuplicateChargeOutstanding(string paymentIntentId) =>
        HasChargeEntry(DuplicateChargeFound, paymentIntentId) && !HasChargeEntry(DuplicateChargeRefunded, paymentIntentId);

    /// <summary>The duplicate charge went back to the employer. Safe to repeat: recorded once.</summary>
    public void RecordDuplicateChargeRefunded(string paymentIntentId, string? refundId, Money amount, DateTimeOffset now)
    {
        if (!HasChargeEntry(DuplicateChargeFound, paymentIntentId))
        {
            throw new DomainException(MilestoneErrors.NotRefundable, $"No duplicate charge {paymentIntentId} was found on milestone {Id}.");
        }

        if (HasChargeEntry(DuplicateChargeRefunded, paymentIntentId))
        {
            return;
        }

        Record(now, DuplicateChargeRefunded, null, paymentIntentId, new MilestoneDuplicateChargeRefunded(Id, EmployerId, paymentIntentId, refundId, amount, now));
    }

    private bool HasChargeEntry(string action, string paymentIntentId) =>
        _timeline.Any(e => e.Action == action && e.Note == paymentIntentId);
}
