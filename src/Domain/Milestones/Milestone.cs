using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// A discrete unit of funded work on a contract, and the escrow of its money.
/// Every state change is one method here; an illegal move throws a <see cref="DomainException"/>
/// with a stable code and changes nothing.
/// </summary>
public sealed partial class Milestone : AggregateRoot<MilestoneId>
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 2000;
    public const int MaxNoteLength = 2000;

    /// <summary>How long a funding request in flight is left alone before reconciliation looks at it.</summary>
    public static readonly TimeSpan FundingCheckGrace = TimeSpan.FromMinutes(1);

    private readonly List<MilestoneTimelineEntry> _timeline = [];

    private Milestone()
    {
        Description = string.Empty;
        Title = string.Empty;
    }

    public ContractId ContractId { get; private set; }

    public JobId JobId { get; private set; }

    public UserId EmployerId { get; private set; }

    public UserId TrainerId { get; private set; }

    public int Sequence { get; private set; }

    public string Title { get; private set; }

    public string Description { get; private set; }

    public Money Amount { get; private set; }

    public Money MarketplaceFee { get; private set; }

    public Money ContractInitiationFee { get; private set; }

    public Money EmployerTotal => Amount + MarketplaceFee + ContractInitiationFee;

    public DateOnly? DueDate { get; private set; }

    public MilestoneStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public int FundingAttempts { get; private set; }

    public string? PaymentIntentId { get; private set; }

    public string? ChargeId { get; private set; }

    /// <summary>Set while the employer must complete an action (3-D Secure) for the current attempt.</summary>
    public string? FundingClientSecret { get; private set; }

    public DateTimeOffset? FundedAt { get; private set; }

    public FundingError? LastFundingError { get; private set; }

    /// <summary>The payment method the current attempt charges; a repeated request must name the same one.</summary>
    public string? FundingPaymentMethodId { get; private set; }

    public Billing.PaymentMethodType? FundingPaymentMethodType { get; private set; }

    /// <summary>When reconciliation next asks the provider about the funding in flight.</summary>
    public DateTimeOffset? NextFundingCheckAt { get; private set; }

    public int FundingChecks { get; private set; }

    public DateTimeOffset? SubmittedAt { get; private set; }

    public string? SubmissionNote { get; private set; }

    public string? ChangesRequestedReason { get; private set; }

    public DateTimeOffset? ApprovedAt { get; private set; }

    public UserId? ApprovedBy { get; private set; }

    public PayoutStatus PayoutStatus { get; private set; }

    public PayoutPendingReason PayoutReason { get; private set; }

    public int PayoutAttempts { get; private set; }

    public DateTimeOffset? NextPayoutAttemptAt { get; private set; }

    public string? PayoutLastError { get; private set; }

    public string? TransferId { get; private set; }

    public DateTimeOffset? PaidAt { get; private set; }

    public DateTimeOffset? CancelledAt { get; private set; }

    public DateTimeOffset? RefundedAt { get; private set; }

    public string? RefundReference { get; private set; }

    /// <summary>Set while support's refund is with the provider: the money may not go the other way meanwhile.</summary>
    public DateTimeOffset? RefundRequestedAt { get; private set; }

    public string? DisputeId { get; private set; }

    public bool IsDisputed => DisputeId is not null;

    /// <summary>Approved, and the payout still waits to be sent (queued, deferred, or held by a dispute).</summary>
    public bool IsPayoutWaiting => Status == MilestoneStatus.PayoutPending && PayoutStatus == PayoutStatus.Pending;

    private bool IsHeldBeforeApproval => Status is MilestoneStatus.ActiveFunded or MilestoneStatus.PendingApproval;

    public IReadOnlyList<MilestoneTimelineEntry> Timeline => _timeline;

    /// <summary>The funding attempt in flight; only meaningful while <see cref="MilestoneStatus.Funding"/>.</summary>
    public FundingAttempt CurrentFundingAttempt => new(Id, FundingAttempts, EmployerTotal);

    public static Milestone Create(
        ContractId contractId,
        JobId jobId,
        UserId employerId,
        UserId trainerId,
        int sequence,
        string? title,
        string description,
        Money amount,
        DateOnly? dueDate,
        FeeSchedule fees,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(fees);
        var milestone = new Milestone
        {
            Id = MilestoneId.New(),
            ContractId = contractId,
            JobId = jobId,
            EmployerId = employerId,
            TrainerId = trainerId,
            Sequence = sequence,
            Status = MilestoneStatus.NotFunded,
            CreatedAt = now,
            PayoutStatus = PayoutStatus.NotRequested,
        };
        milestone.SetDetails(title, description, amount, dueDate, fees);
        milestone.Record(now, "created", null, MilestoneStatus.NotFunded, employerId, null);
        milestone.Raise(new MilestoneCreated(milestone.Id, contractId, amount, now));
        return milestone;
    }

    public void UpdateDetails(UserId employerId, string? title, string description, Money amount, DateOnly? dueDate, FeeSchedule fees, DateTimeOffset now)
    {
        EnsureEmployer(employerId);
        Require(MilestoneStatus.NotFunded, MilestoneErrors.NotEditable, "edited");
        SetDetails(title, description, amount, dueDate, fees);
        Record(now, "updated", Status, Status, employerId, null);
        Raise(new MilestoneUpdated(Id, now));
    }

    /// <summary>Starts a new funding attempt; the caller then asks the provider to charge it.</summary>
    public FundingAttempt BeginFunding(UserId employerId, DateTimeOffset now, Billing.PaymentMethodSummary? paymentMethod = null)
    {
        EnsureEmployer(employerId);
        Require(MilestoneStatus.NotFunded, MilestoneErrors.NotFundable, "funded");
        FundingAttempts++;
        FundingPaymentMethodId = paymentMethod?.ProviderId;
        FundingPaymentMethodType = paymentMethod?.Type;
        FundingClientSecret = null;
        PaymentIntentId = null;
        LastFundingError = null;
        FundingChecks = 0;

        // Should the request die before the provider answers, reconciliation takes over from here.
        NextFundingCheckAt = now.Add(FundingCheckGrace);
        TransitionTo(MilestoneStatus.Funding, now, "funding_started", employerId, null);
        Raise(new MilestoneFundingStarted(Id, FundingAttempts, EmployerTotal, now));
        return CurrentFundingAttempt;
    }

    /// <summary>The provider accepted the attempt but the money has not settled (bank debit, 3-D Secure).</summary>
    public void MarkFundingAwaitingAction(int attempt, string paymentIntentId, string? clientSecret, string reason, DateTimeOffset now)
    {
        RequireCurrentAttempt(attempt);
        PaymentIntentId = paymentIntentId;
        FundingClientSecret = clientSecret;
        Record(now, reason, Status, Status, null, null);
        Raise(new MilestoneFundingAwaitingAction(Id, attempt, paymentIntentId, reason, now));
    }

    /// <summary>Whether a provider's word on <paramref name="attempt"/> still counts: a result for any other attempt changes nothing.</summary>
    public bool IsFundingAttemptInFlight(int attempt) => Status == MilestoneStatus.Funding && FundingAttempts == attempt;

    /// <summary>Reconciliation asked and the funding is still in flight: ask again at <paramref name="next"/>.</summary>
    public void ScheduleFundingCheck(DateTimeOffset next)
    {
        Require(MilestoneStatus.Funding, MilestoneErrors.NotFunding, "checked");
        FundingChecks++;
        NextFundingCheckAt = next;
    }

    public void MarkFunded(int attempt, string paymentIntentId, string? chargeId, DateTimeOffset now)
    {
        RequireCurrentAttempt(attempt);
        PaymentIntentId = paymentIntentId;
        ChargeId = chargeId;
        FundingClientSecret = null;
        FundedAt = now;
        LastFundingError = null;
        TransitionTo(MilestoneStatus.ActiveFunded, now, "funded", null, null);
        Raise(new MilestoneFunded(Id, ContractId, TrainerId, paymentIntentId, now));
    }

    public void MarkFundingFailed(int attempt, FundingError error, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(error);
        RequireCurrentAttempt(attempt);
        LastFundingError = error;
        FundingClientSecret = null;
        TransitionTo(MilestoneStatus.NotFunded, now, "funding_failed", null, error.Message);
        Raise(new MilestoneFundingFailed(Id, EmployerId, error.Code, error.Message, now));
    }

    /// <summary>The trainer marks the work complete and requests approval.</summary>
    public void Submit(UserId trainerId, string? note, DateTimeOffset now)
    {
        if (trainerId != TrainerId)
        {
            throw WrongParty("trainer");
        }

        Require(MilestoneStatus.ActiveFunded, MilestoneErrors.NotSubmittable, "submitted");
        EnsureNoteLength(note);
        SubmittedAt = now;
        SubmissionNote = note;
        ChangesRequestedReason = null;
        TransitionTo(MilestoneStatus.PendingApproval, now, "submitted", trainerId, note);
        Raise(new MilestoneSubmitted(Id, EmployerId, note, now));
    }

    public void RequestChanges(UserId employerId, string reason, DateTimeOffset now)
    {
        EnsureEmployer(employerId);
        Require(MilestoneStatus.PendingApproval, MilestoneErrors.NotAwaitingApproval, "sent back for changes");
        EnsureNoteLength(reason);
        ChangesRequestedReason = reason;
        TransitionTo(MilestoneStatus.ActiveFunded, now, "changes_requested", employerId, reason);
        Raise(new MilestoneChangesRequested(Id, TrainerId, reason, now));
    }

    /// <summary>Approves the work and requests the payout; the transfer itself happens after commit.</summary>
    public void Approve(UserId employerId, DateTimeOffset now)
    {
        EnsureEmployer(employerId);
        if (Status is not (MilestoneStatus.ActiveFunded or MilestoneStatus.PendingApproval))
        {
            throw MilestoneErrors.IllegalMove(MilestoneErrors.NotApprovable, Id, Status, "approved");
        }

        if (RefundRequestedAt is not null)
        {
            throw new DomainException(MilestoneErrors.RefundPending, $"Milestone {Id} is being refunded by support; it cannot be approved.");
        }

        ApprovedAt = now;
        ApprovedBy = employerId;
        PayoutStatus = PayoutStatus.Pending;
        PayoutReason = IsDisputed ? PayoutPendingReason.Disputed : PayoutPendingReason.Queued;
        NextPayoutAttemptAt = now;
        TransitionTo(MilestoneStatus.PayoutPending, now, "approved", employerId, null);
        Raise(new MilestoneApproved(Id, TrainerId, Amount, now));
    }

    /// <summary>Whether the worker should try to pay out now (<see cref="MilestoneRules.PayoutDue"/>).</summary>
    public bool IsPayoutDue(DateTimeOffset now) => MilestoneRules.PayoutDue.IsSatisfiedBy(this, now);

    /// <summary>
    /// A worker takes the due payout for itself until <paramref name="leaseUntil"/>: committed before
    /// the provider is called, so a second worker finds it not due. Should the worker die, the payout
    /// falls due again when the lease ends, and the transfer's idempotency key finds the same transfer.
    /// </summary>
    public void ClaimPayoutAttempt(DateTimeOffset now, DateTimeOffset leaseUntil)
    {
        if (!IsPayoutDue(now))
        {
            throw new DomainException(MilestoneErrors.PayoutNotDue, $"The payout of milestone {Id} is not due.");
        }

        NextPayoutAttemptAt = leaseUntil;
    }

    /// <summary>The payout could not be sent yet; it stays pending with a visible reason.</summary>
    public void DeferPayout(PayoutPendingReason reason, DateTimeOffset? nextAttemptAt, string? error, DateTimeOffset now)
    {
        Require(MilestoneStatus.PayoutPending, MilestoneErrors.NotReleasing, "deferred");
        if (reason is PayoutPendingReason.None or PayoutPendingReason.Queued)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "A deferral needs a reason the trainer can act on or wait for.");
        }

        // Only a retryable failure spends a step of the retry schedule: waiting for the trainer's payout setup
        // is not an attempt, so the first retry after it waits the schedule's first step.
        if (reason == PayoutPendingReason.Retrying)
        {
            PayoutAttempts++;
        }

        PayoutStatus = PayoutStatus.Pending;

        // A dispute outranks any other reason: the payout waits for it whatever else happens.
        PayoutReason = IsDisputed ? PayoutPendingReason.Disputed : reason;
        NextPayoutAttemptAt = nextAttemptAt;
        PayoutLastError = error;
        Record(now, "payout_deferred", Status, Status, null, error);
        Raise(new MilestonePayoutDeferred(Id, TrainerId, reason, nextAttemptAt, now));
    }

    /// <summary>The provider refused the transfer for good: parked for an admin, never dropped.</summary>
    public void FailPayout(string error, DateTimeOffset now)
    {
        Require(MilestoneStatus.PayoutPending, MilestoneErrors.NotReleasing, "failed");
        PayoutAttempts++;
        PayoutStatus = PayoutStatus.Failed;
        PayoutReason = PayoutPendingReason.None;
        NextPayoutAttemptAt = null;
        PayoutLastError = error;
        Record(now, "payout_failed", Status, Status, null, error);
        Raise(new MilestonePayoutFailed(Id, error, now));
    }

    /// <summary>An admin puts a parked or deferred payout back in the queue.</summary>
    public void RetryPayout(DateTimeOffset now)
    {
        Require(MilestoneStatus.PayoutPending, MilestoneErrors.NotReleasing, "retried");
        PayoutStatus = PayoutStatus.Pending;
        PayoutReason = IsDisputed ? PayoutPendingReason.Disputed : PayoutPendingReason.Queued;
        NextPayoutAttemptAt = now;
        Record(now, "payout_retry_requested", Status, Status, null, null);
        Raise(new MilestonePayoutRetryRequested(Id, TrainerId, now));
    }

    public void MarkPaid(string transferId, DateTimeOffset now)
    {
        Require(MilestoneStatus.PayoutPending, MilestoneErrors.NotReleasing, "paid");
        if (IsDisputed)
        {
            throw new DomainException(MilestoneErrors.Disputed, $"Milestone {Id} is disputed; its payout waits until the dispute closes.");
        }

        if (PayoutStatus == PayoutStatus.Failed)
        {
            throw new DomainException(MilestoneErrors.PayoutParked, $"The payout of milestone {Id} was parked; an admin must retry it.");
        }

        PayoutAttempts++;
        TransferId = transferId;
        PaidAt = now;
        PayoutStatus = PayoutStatus.Paid;
        PayoutReason = PayoutPendingReason.None;
        NextPayoutAttemptAt = null;
        PayoutLastError = null;
        TransitionTo(MilestoneStatus.Paid, now, "paid", null, null);
        Raise(new MilestonePaid(Id, TrainerId, transferId, Amount, now));
    }

    /// <summary>
    /// Stripe reports the transfer reversed (done in Stripe's dashboard, never self-serve here). The
    /// milestone stays paid; the fact is kept on its timeline and raised for support.
    /// </summary>
    public void RecordTransferReversal(long amountReversed, DateTimeOffset now)
    {
        Require(MilestoneStatus.Paid, MilestoneErrors.NotReleasing, "reversed");
        PayoutLastError = $"Transfer {TransferId} reversed by {amountReversed} cents.";
        Record(now, "transfer_reversed", Status, Status, null, PayoutLastError);
        Raise(new MilestoneTransferReversed(Id, TransferId ?? string.Empty, amountReversed, now));
    }

    public void Cancel(UserId employerId, DateTimeOffset now)
    {
        EnsureEmployer(employerId);
        Require(MilestoneStatus.NotFunded, MilestoneErrors.NotCancellable, "cancelled");
        CancelledAt = now;
        TransitionTo(MilestoneStatus.Cancelled, now, "cancelled", employerId, null);
        Raise(new MilestoneCancelled(Id, now));
    }

    /// <summary>The money may go back to the employer: it is held (funded or awaiting approval) and not disputed.</summary>
    public bool IsRefundable => IsHeldBeforeApproval && !IsDisputed;

    /// <summary>Refused unless <see cref="IsRefundable"/>: a wrong state and an open dispute are told apart.</summary>
    public void EnsureRefundable()
    {
        if (!IsHeldBeforeApproval)
        {
            throw MilestoneErrors.IllegalMove(MilestoneErrors.NotRefundable, Id, Status, "refunded");
        }

        if (IsDisputed)
        {
            throw new DomainException(MilestoneErrors.Disputed, $"Milestone {Id} is disputed; the dispute decides where the money goes.");
        }
    }

    /// <summary>
    /// Support starts a refund: committed before the provider is asked, so that no approval can send the
    /// same money to the trainer while the refund is under way.
    /// </summary>
    public void RequestRefund(DateTimeOffset now)
    {
        EnsureRefundable();
        if (RefundRequestedAt is not null)
        {
            throw new DomainException(MilestoneErrors.RefundPending, $"A refund of milestone {Id} is already under way.");
        }

        RefundRequestedAt = now;
        Record(now, "refund_requested", Status, Status, null, null);
    }

    /// <summary>The provider refused the refund: the milestone is as it was before.</summary>
    public void AbandonRefund(string reason, DateTimeOffset now)
    {
        if (RefundRequestedAt is null)
        {
            throw new DomainException(MilestoneErrors.NotRefundable, $"No refund of milestone {Id} is under way.");
        }

        RefundRequestedAt = null;
        Record(now, "refund_abandoned", Status, Status, null, reason);
    }

    /// <summary>Support returns held money to the employer; released money is never refundable here.</summary>
    public void Refund(string refundReference, DateTimeOffset now)
    {
        EnsureRefundable();
        RefundRequestedAt = null;

        RefundReference = refundReference;
        RefundedAt = now;
        TransitionTo(MilestoneStatus.Refunded, now, "refunded", null, null);
        Raise(new MilestoneRefunded(Id, refundReference, now));
    }

    /// <summary>A chargeback on the funding charge: the payout waits until the dispute closes.</summary>
    public void OpenDispute(string disputeId, DateTimeOffset now)
    {
        if (!Status.IsHeldInEscrow())
        {
            throw MilestoneErrors.IllegalMove(MilestoneErrors.NotDisputable, Id, Status, "disputed");
        }

        DisputeId = disputeId;
        if (IsPayoutWaiting)
        {
            PayoutReason = PayoutPendingReason.Disputed;
        }

        Record(now, "dispute_opened", Status, Status, null, disputeId);
        Raise(new MilestoneDisputeOpened(Id, disputeId, now));
    }

    public void CloseDispute(DateTimeOffset now)
    {
        if (DisputeId is null)
        {
            throw new DomainException(MilestoneErrors.NotDisputed, $"Milestone {Id} has no open dispute.");
        }

        var disputeId = DisputeId;
        DisputeId = null;
        if (IsPayoutWaiting)
        {
            PayoutReason = PayoutPendingReason.Queued;
            NextPayoutAttemptAt = now;
        }

        Record(now, "dispute_closed", Status, Status, null, disputeId);
        Raise(new MilestoneDisputeClosed(Id, disputeId, now));
    }

    private void SetDetails(string? title, string description, Money amount, DateOnly? dueDate, FeeSchedule fees)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            throw new DomainException(MilestoneErrors.DescriptionRequired, "A milestone needs a description of the deliverable.");
        }

        if (description.Length > MaxDescriptionLength || title?.Length > MaxTitleLength)
        {
            throw new DomainException(MilestoneErrors.TextTooLong, $"A title is at most {MaxTitleLength} and a description at most {MaxDescriptionLength} characters.");
        }

        if (!amount.IsWithinChargeLimits)
        {
            throw new DomainException(
                MilestoneErrors.AmountOutOfRange,
                $"A milestone amount is between {Money.MinimumChargeCents} and {Money.MaximumChargeCents} cents.");
        }

        var quote = fees.Quote(amount, isFirstMilestoneOfContract: Sequence == 1);
        if (!quote.EmployerTotal.IsWithinChargeLimits)
        {
            throw new DomainException(
                MilestoneErrors.AmountOutOfRange,
                $"With fees the charge would be {quote.EmployerTotal.Amount} cents, above the {Money.MaximumChargeCents} cents a single charge may be.");
        }

        Title = string.IsNullOrWhiteSpace(title) ? $"Milestone {Sequence}" : title.Trim();
        Description = description.Trim();
        Amount = amount;
        MarketplaceFee = quote.MarketplaceFee;
        ContractInitiationFee = quote.ContractInitiationFee;
        DueDate = dueDate;
    }

    private static void EnsureNoteLength(string? note)
    {
        if (note?.Length > MaxNoteLength)
        {
            throw new DomainException(MilestoneErrors.TextTooLong, $"A note is at most {MaxNoteLength} characters.");
        }
    }

    private void Require(MilestoneStatus expected, string code, string action)
    {
        if (Status != expected)
        {
            throw MilestoneErrors.IllegalMove(code, Id, Status, action);
        }
    }

    private void RequireCurrentAttempt(int attempt)
    {
        Require(MilestoneStatus.Funding, MilestoneErrors.NotFunding, "settled");
        if (attempt != FundingAttempts)
        {
            throw new DomainException(
                MilestoneErrors.NotFunding,
                $"Funding attempt {attempt} of milestone {Id} is not the current one ({FundingAttempts}).");
        }
    }

    private void EnsureEmployer(UserId employerId)
    {
        if (employerId != EmployerId)
        {
            throw WrongParty("employer");
        }
    }

    private DomainException WrongParty(string party) =>
        new(MilestoneErrors.WrongParty, $"Only the contract's {party} can do this to milestone {Id}.");

    private void TransitionTo(MilestoneStatus to, DateTimeOffset now, string action, UserId? actor, string? note)
    {
        var from = Status;
        Status = to;
        Record(now, action, from, to, actor, note);
    }

    private void Record(DateTimeOffset now, string action, MilestoneStatus? from, MilestoneStatus to, UserId? actor, string? note) =>
        _timeline.Add(new MilestoneTimelineEntry(_timeline.Count + 1, now, action, from, to, actor, note));
}
