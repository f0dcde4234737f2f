using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// A discrete unit of funded work on a contract, and the escrow of its money. Every state change is
/// one method here; an illegal move throws a <see cref="DomainException"/> with a stable code and
/// changes nothing. Its facts are values of their own: <see cref="Funding"/>, <see cref="Review"/>,
/// <see cref="Payout"/> and <see cref="Refund"/>. This file holds its state and its way from
/// creation through funding and review to approval; the payout's moves are in Milestone.Payout.cs,
/// the refund's and the dispute's in Milestone.Refund.cs.
/// </summary>
public sealed partial class Milestone : AggregateRoot<MilestoneId>
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 2000;
    public const int MaxNoteLength = 2000;

    /// <summary>Payout errors are our own sentences; anything longer is cut to fit.</summary>
    public const int MaxPayoutErrorLength = 2000;

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

    public FundingFacts Funding { get; private set; } = new();

    /// <summary>When reconciliation next asks the provider about the funding in flight.</summary>
    public DateTimeOffset? NextFundingCheckAt { get; private set; }

    public ReviewFacts Review { get; private set; } = new();

    public PayoutFacts Payout { get; private set; } = new();

    /// <summary>When the worker next tries the payout (or, while it holds a claim, when the claim runs out).</summary>
    public DateTimeOffset? NextPayoutAttemptAt { get; private set; }

    public DateTimeOffset? CancelledAt { get; private set; }

    public RefundFacts Refund { get; private set; } = new();

    public bool IsDisputed => Refund.DisputeId is not null;

    /// <summary>Approved, and the payout still waits to be sent (queued, deferred, or held by a dispute).</summary>
    public bool IsPayoutWaiting => Status == MilestoneStatus.PayoutPending && Payout.Status == PayoutStatus.Pending;

    /// <summary>The money may go back to the employer: it is held (funded or awaiting approval) and not disputed.</summary>
    public bool IsRefundable => IsHeldBeforeApproval && !IsDisputed;

    public IReadOnlyList<MilestoneTimelineEntry> Timeline => _timeline;

    /// <summary>The funding attempt in flight; only meaningful while <see cref="MilestoneStatus.Funding"/>.</summary>
    public FundingAttempt CurrentFundingAttempt => new(Id, Funding.Attempts, EmployerTotal);

    private bool IsHeldBeforeApproval => Status is MilestoneStatus.ActiveFunded or MilestoneStatus.PendingApproval;

    public static Milestone Create(
        ContractId contractId, JobId jobId, UserId employerId, UserId trainerId, int sequence,
        string? title, string description, Money amount, DateOnly? dueDate, FeeSchedule fees, DateTimeOffset now)
    {
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
            Payout = new PayoutFacts { Status = PayoutStatus.NotRequested },
        };
        milestone.SetTerms(MilestoneTerms.Check(sequence, title, description, amount, fees), dueDate);
        milestone._timeline.Add(new MilestoneTimelineEntry(1, now, "created", null, MilestoneStatus.NotFunded, employerId, null));
        milestone.Raise(new MilestoneCreated(milestone.Id, contractId, amount, now));
        return milestone;
    }

    public void UpdateDetails(UserId employerId, string? title, string description, Money amount, DateOnly? dueDate, FeeSchedule fees, DateTimeOffset now)
    {
        EnsureEmployer(employerId);
        Require(MilestoneStatus.NotFunded, MilestoneErrors.NotEditable, "edited");
        SetTerms(MilestoneTerms.Check(Sequence, title, description, amount, fees), dueDate);
        Record(now, "updated", employerId, null, new MilestoneUpdated(Id, now));
    }

    /// <summary>Starts a new funding attempt; the caller then asks the provider to charge it.</summary>
    public FundingAttempt BeginFunding(UserId employerId, DateTimeOffset now, PaymentMethodSummary? paymentMethod = null)
    {
        EnsureEmployer(employerId);
        Require(MilestoneStatus.NotFunded, MilestoneErrors.NotFundable, "funded");
        Funding = Funding.NextAttempt(paymentMethod);

        // Should the request die before the provider answers, reconciliation takes over from here.
        NextFundingCheckAt = now.Add(FundingCheckGrace);
        TransitionTo(MilestoneStatus.Funding, now, "funding_started", employerId, null, new MilestoneFundingStarted(Id, Funding.Attempts, EmployerTotal, now));
        return CurrentFundingAttempt;
    }

    /// <summary>The provider accepted the attempt but the money has not settled (bank debit, 3-D Secure).</summary>
    public void MarkFundingAwaitingAction(int attempt, string paymentIntentId, string? clientSecret, string reason, DateTimeOffset now)
    {
        RequireCurrentAttempt(attempt);
        Funding = Funding.AwaitingAction(paymentIntentId, clientSecret);
        Record(now, reason, null, null, new MilestoneFundingAwaitingAction(Id, attempt, paymentIntentId, reason, now));
    }

    /// <summary>Whether a provider's word on <paramref name="attempt"/> still counts: a result for any other attempt changes nothing.</summary>
    public bool IsFundingAttemptInFlight(int attempt) => Status == MilestoneStatus.Funding && Funding.Attempts == attempt;

    /// <summary>
    /// Reconciliation asks the provider about the attempt in flight: one check, counted here and nowhere else, so a
    /// round counts once whatever the answer. The next check is pushed out by the wait for the checks made so far,
    /// so that two workers do not both ask.
    /// </summary>
    public void TakeFundingCheck(DateTimeOffset now, Func<int, TimeSpan> waitAfterChecks)
    {
        ArgumentNullException.ThrowIfNull(waitAfterChecks);
        Require(MilestoneStatus.Funding, MilestoneErrors.NotFunding, "checked");
        Funding = Funding.Checked();
        NextFundingCheckAt = now.Add(waitAfterChecks(Funding.Checks));
    }

    /// <summary>The funding is still in flight after an answer: reconciliation asks at <paramref name="next"/>. Not a check.</summary>
    public void ScheduleFundingCheck(DateTimeOffset next)
    {
        Require(MilestoneStatus.Funding, MilestoneErrors.NotFunding, "checked");
        NextFundingCheckAt = next;
    }

    public void MarkFunded(int attempt, string paymentIntentId, string? chargeId, DateTimeOffset now)
    {
        RequireCurrentAttempt(attempt);
        Funding = Funding.Funded(paymentIntentId, chargeId, now);
        TransitionTo(MilestoneStatus.ActiveFunded, now, "funded", null, null, new MilestoneFunded(Id, ContractId, TrainerId, paymentIntentId, now));
    }

    public void MarkFundingFailed(int attempt, FundingError error, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(error);
        RequireCurrentAttempt(attempt);
        Funding = Funding.Failed(error);
        TransitionTo(MilestoneStatus.NotFunded, now, "funding_failed", null, error.Message, new MilestoneFundingFailed(Id, EmployerId, error.Code, error.Message, now));
    }

    /// <summary>The trainer marks the work complete and requests approval.</summary>
    public void Submit(UserId trainerId, string? note, DateTimeOffset now)
    {
        if (trainerId != TrainerId)
        {
            throw MilestoneErrors.NotTheParty(Id, "trainer");
        }

        Require(MilestoneStatus.ActiveFunded, MilestoneErrors.NotSubmittable, "submitted");
        Review = Review.Submitted(note, now);
        TransitionTo(MilestoneStatus.PendingApproval, now, "submitted", trainerId, note, new MilestoneSubmitted(Id, EmployerId, note, now));
    }

    public void RequestChanges(UserId employerId, string reason, DateTimeOffset now)
    {
        EnsureEmployer(employerId);
        Require(MilestoneStatus.PendingApproval, MilestoneErrors.NotAwaitingApproval, "sent back for changes");
        Review = Review.ChangesRequested(reason);
        TransitionTo(MilestoneStatus.ActiveFunded, now, "changes_requested", employerId, reason, new MilestoneChangesRequested(Id, TrainerId, reason, now));
    }

    /// <summary>Approves the work and requests the payout; the transfer itself happens after commit.</summary>
    public void Approve(UserId employerId, DateTimeOffset now)
    {
        EnsureEmployer(employerId);
        if (!IsHeldBeforeApproval)
        {
            throw MilestoneErrors.IllegalMove(MilestoneErrors.NotApprovable, Id, Status, "approved");
        }

        if (Refund.RequestedAt is not null)
        {
            throw new DomainException(MilestoneErrors.RefundPending, $"Milestone {Id} is being refunded by support; it cannot be approved.");
        }

        Review = Review.Approved(employerId, now);
        Payout = Payout.Queued(IsDisputed);
        NextPayoutAttemptAt = now;
        TransitionTo(MilestoneStatus.PayoutPending, now, "approved", employerId, null, new MilestoneApproved(Id, TrainerId, Amount, now));
    }

    public void Cancel(UserId employerId, DateTimeOffset now)
    {
        EnsureEmployer(employerId);
        Require(MilestoneStatus.NotFunded, MilestoneErrors.NotCancellable, "cancelled");
        CancelledAt = now;
        TransitionTo(MilestoneStatus.Cancelled, now, "cancelled", employerId, null, new MilestoneCancelled(Id, now));
    }

    private void SetTerms(MilestoneTerms terms, DateOnly? dueDate) =>
        (Title, Description, Amount, MarketplaceFee, ContractInitiationFee, DueDate) =
        (terms.Title, terms.Description, terms.Amount, terms.Fees.MarketplaceFee, terms.Fees.ContractInitiationFee, dueDate);

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
        if (attempt != Funding.Attempts)
        {
            throw new DomainException(MilestoneErrors.NotFunding, $"Funding attempt {attempt} of milestone {Id} is not the current one ({Funding.Attempts}).");
        }
    }

    private void EnsureEmployer(UserId employerId)
    {
        if (employerId != EmployerId)
        {
            throw MilestoneErrors.NotTheParty(Id, "employer");
        }
    }

    /// <summary>Moves to <paramref name="to"/>, on the timeline and, when given, as a domain event.</summary>
    private void TransitionTo(MilestoneStatus to, DateTimeOffset now, string action, UserId? actor, string? note, IDomainEvent? happened = null)
    {
        var from = Status;
        Status = to;
        _timeline.Add(new MilestoneTimelineEntry(_timeline.Count + 1, now, action, from, to, actor, BoundedText.FitOrNull(note, MaxNoteLength)));
        RaiseIfAny(happened);
    }

    /// <summary>A fact that leaves the status as it is, on the timeline and, when given, as a domain event.</summary>
    private void Record(DateTimeOffset now, string action, UserId? actor, string? note, IDomainEvent? happened = null)
    {
        _timeline.Add(new MilestoneTimelineEntry(_timeline.Count + 1, now, action, Status, Status, actor, BoundedText.FitOrNull(note, MaxNoteLength)));
        RaiseIfAny(happened);
    }

    private void RaiseIfAny(IDomainEvent? happened)
    {
        if (happened is not null)
        {
            Raise(happened);
        }
    }
}
