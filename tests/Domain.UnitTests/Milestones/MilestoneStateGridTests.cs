using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using static OpenTrain.Clean.Domain.Milestones.MilestoneStatus;
using static OpenTrain.Clean.Domain.UnitTests.Milestones.MilestoneAction;

namespace OpenTrain.Clean.Domain.UnitTests.Milestones;

/// <summary>
/// The whole state x action grid of the milestone. The expected table is the rule itself, written
/// out by hand (README.md, "Design": each transition is one method on the aggregate that refuses an
/// illegal move with a stable code and raises a past-tense event), so changing a transition rule in
/// the domain breaks a row here.
/// </summary>
public sealed class MilestoneStateGridTests
{
    private const string NotEditable = "milestone_not_editable";
    private const string NotFundable = "milestone_not_fundable";
    private const string NotFunding = "milestone_not_funding";
    private const string NotSubmittable = "milestone_not_submittable";
    private const string NotAwaitingApproval = "milestone_not_awaiting_approval";
    private const string NotApprovable = "milestone_not_approvable";
    private const string NotReleasing = "milestone_not_releasing";
    private const string NotCancellable = "milestone_not_cancellable";
    private const string NotRefundable = "milestone_not_refundable";
    private const string NotDisputable = "milestone_not_disputable";
    private const string NotDisputed = "milestone_not_disputed";

    /// <summary>The expected outcome of every (state, action) pair. One row per pair, no computed rows.</summary>
    private static readonly GridRow[] _grid =
    [
        // NotFunded: editable, fundable, cancellable; nothing else.
        Legal(NotFunded, UpdateDetails, NotFunded, typeof(MilestoneUpdated)),
        Legal(NotFunded, BeginFunding, Funding, typeof(MilestoneFundingStarted)),
        Refused(NotFunded, MarkFundingAwaitingAction, NotFunding),
        Refused(NotFunded, MarkFunded, NotFunding),
        Refused(NotFunded, MarkFundingFailed, NotFunding),
        Refused(NotFunded, Submit, NotSubmittable),
        Refused(NotFunded, RequestChanges, NotAwaitingApproval),
        Refused(NotFunded, Approve, NotApprovable),
        Refused(NotFunded, DeferPayout, NotReleasing),
        Refused(NotFunded, FailPayout, NotReleasing),
        Refused(NotFunded, RetryPayout, NotReleasing),
        Refused(NotFunded, MarkPaid, NotReleasing),
        Legal(NotFunded, Cancel, Cancelled, typeof(MilestoneCancelled)),
        Refused(NotFunded, Refund, NotRefundable),
        Refused(NotFunded, OpenDispute, NotDisputable),
        Refused(NotFunded, CloseDispute, NotDisputed),

        // Funding: only the provider's answer about the current attempt moves it.
        Refused(Funding, UpdateDetails, NotEditable),
        Refused(Funding, BeginFunding, NotFundable),
        Legal(Funding, MarkFundingAwaitingAction, Funding, typeof(MilestoneFundingAwaitingAction)),
        Legal(Funding, MarkFunded, ActiveFunded, typeof(MilestoneFunded)),
        Legal(Funding, MarkFundingFailed, NotFunded, typeof(MilestoneFundingFailed)),
        Refused(Funding, Submit, NotSubmittable),
        Refused(Funding, RequestChanges, NotAwaitingApproval),
        Refused(Funding, Approve, NotApprovable),
        Refused(Funding, DeferPayout, NotReleasing),
        Refused(Funding, FailPayout, NotReleasing),
        Refused(Funding, RetryPayout, NotReleasing),
        Refused(Funding, MarkPaid, NotReleasing),
        Refused(Funding, Cancel, NotCancellable),
        Refused(Funding, Refund, NotRefundable),
        Refused(Funding, OpenDispute, NotDisputable),
        Refused(Funding, CloseDispute, NotDisputed),

        // ActiveFunded: money held; the trainer submits, the employer approves, support refunds.
        Refused(ActiveFunded, UpdateDetails, NotEditable),
        Refused(ActiveFunded, BeginFunding, NotFundable),
        Refused(ActiveFunded, MarkFundingAwaitingAction, NotFunding),
        Refused(ActiveFunded, MarkFunded, NotFunding),
        Refused(ActiveFunded, MarkFundingFailed, NotFunding),
        Legal(ActiveFunded, Submit, PendingApproval, typeof(MilestoneSubmitted)),
        Refused(ActiveFunded, RequestChanges, NotAwaitingApproval),
        Legal(ActiveFunded, Approve, PayoutPending, typeof(MilestoneApproved)),
        Refused(ActiveFunded, DeferPayout, NotReleasing),
        Refused(ActiveFunded, FailPayout, NotReleasing),
        Refused(ActiveFunded, RetryPayout, NotReleasing),
        Refused(ActiveFunded, MarkPaid, NotReleasing),
        Refused(ActiveFunded, Cancel, NotCancellable),
        Legal(ActiveFunded, Refund, Refunded, typeof(MilestoneRefunded)),
        Legal(ActiveFunded, OpenDispute, ActiveFunded, typeof(MilestoneDisputeOpened)),
        Refused(ActiveFunded, CloseDispute, NotDisputed),

        // PendingApproval: awaiting approval; still held, so still refundable by support.
        Refused(PendingApproval, UpdateDetails, NotEditable),
        Refused(PendingApproval, BeginFunding, NotFundable),
        Refused(PendingApproval, MarkFundingAwaitingAction, NotFunding),
        Refused(PendingApproval, MarkFunded, NotFunding),
        Refused(PendingApproval, MarkFundingFailed, NotFunding),
        Refused(PendingApproval, Submit, NotSubmittable),
        Legal(PendingApproval, RequestChanges, ActiveFunded, typeof(MilestoneChangesRequested)),
        Legal(PendingApproval, Approve, PayoutPending, typeof(MilestoneApproved)),
        Refused(PendingApproval, DeferPayout, NotReleasing),
        Refused(PendingApproval, FailPayout, NotReleasing),
        Refused(PendingApproval, RetryPayout, NotReleasing),
        Refused(PendingApproval, MarkPaid, NotReleasing),
        Refused(PendingApproval, Cancel, NotCancellable),
        Legal(PendingApproval, Refund, Refunded, typeof(MilestoneRefunded)),
        Legal(PendingApproval, OpenDispute, PendingApproval, typeof(MilestoneDisputeOpened)),
        Refused(PendingApproval, CloseDispute, NotDisputed),

        // PayoutPending: approved; only the payout machinery (and a chargeback) touches it.
        Refused(PayoutPending, UpdateDetails, NotEditable),
        Refused(PayoutPending, BeginFunding, NotFundable),
        Refused(PayoutPending, MarkFundingAwaitingAction, NotFunding),
        Refused(PayoutPending, MarkFunded, NotFunding),
        Refused(PayoutPending, MarkFundingFailed, NotFunding),
        Refused(PayoutPending, Submit, NotSubmittable),
        Refused(PayoutPending, RequestChanges, NotAwaitingApproval),
        Refused(PayoutPending, Approve, NotApprovable),
        Legal(PayoutPending, DeferPayout, PayoutPending, typeof(MilestonePayoutDeferred)),
        Legal(PayoutPending, FailPayout, PayoutPending, typeof(MilestonePayoutFailed)),
        Legal(PayoutPending, RetryPayout, PayoutPending, typeof(MilestonePayoutRetryRequested)),
        Legal(PayoutPending, MarkPaid, Paid, typeof(MilestonePaid)),
        Refused(PayoutPending, Cancel, NotCancellable),
        Refused(PayoutPending, Refund, NotRefundable),
        Legal(PayoutPending, OpenDispute, PayoutPending, typeof(MilestoneDisputeOpened)),
        Refused(PayoutPending, CloseDispute, NotDisputed),

        // Paid: final. Released funds are never reversed by a self-serve call.
        Refused(Paid, UpdateDetails, NotEditable),
        Refused(Paid, BeginFunding, NotFundable),
        Refused(Paid, MarkFundingAwaitingAction, NotFunding),
        Refused(Paid, MarkFunded, NotFunding),
        Refused(Paid, MarkFundingFailed, NotFunding),
        Refused(Paid, Submit, NotSubmittable),
        Refused(Paid, RequestChanges, NotAwaitingApproval),
        Refused(Paid, Approve, NotApprovable),
        Refused(Paid, DeferPayout, NotReleasing),
        Refused(Paid, FailPayout, NotReleasing),
        Refused(Paid, RetryPayout, NotReleasing),
        Refused(Paid, MarkPaid, NotReleasing),
        Refused(Paid, Cancel, NotCancellable),
        Refused(Paid, Refund, NotRefundable),
        Refused(Paid, OpenDispute, NotDisputable),
        Refused(Paid, CloseDispute, NotDisputed),

        // Cancelled: final.
        Refused(Cancelled, UpdateDetails, NotEditable),
        Refused(Cancelled, BeginFunding, NotFundable),
        Refused(Cancelled, MarkFundingAwaitingAction, NotFunding),
        Refused(Cancelled, MarkFunded, NotFunding),
        Refused(Cancelled, MarkFundingFailed, NotFunding),
        Refused(Cancelled, Submit, NotSubmittable),
        Refused(Cancelled, RequestChanges, NotAwaitingApproval),
        Refused(Cancelled, Approve, NotApprovable),
        Refused(Cancelled, DeferPayout, NotReleasing),
        Refused(Cancelled, FailPayout, NotReleasing),
        Refused(Cancelled, RetryPayout, NotReleasing),
        Refused(Cancelled, MarkPaid, NotReleasing),
        Refused(Cancelled, Cancel, NotCancellable),
        Refused(Cancelled, Refund, NotRefundable),
        Refused(Cancelled, OpenDispute, NotDisputable),
        Refused(Cancelled, CloseDispute, NotDisputed),

        // Refunded: final.
        Refused(Refunded, UpdateDetails, NotEditable),
        Refused(Refunded, BeginFunding, NotFundable),
        Refused(Refunded, MarkFundingAwaitingAction, NotFunding),
        Refused(Refunded, MarkFunded, NotFunding),
        Refused(Refunded, MarkFundingFailed, NotFunding),
        Refused(Refunded, Submit, NotSubmittable),
        Refused(Refunded, RequestChanges, NotAwaitingApproval),
        Refused(Refunded, Approve, NotApprovable),
        Refused(Refunded, DeferPayout, NotReleasing),
        Refused(Refunded, FailPayout, NotReleasing),
        Refused(Refunded, RetryPayout, NotReleasing),
        Refused(Refunded, MarkPaid, NotReleasing),
        Refused(Refunded, Cancel, NotCancellable),
        Refused(Refunded, Refund, NotRefundable),
        Refused(Refunded, OpenDispute, NotDisputable),
        Refused(Refunded, CloseDispute, NotDisputed),
    ];

    /// <summary>The API names of the statuses, as the error details must carry them.</summary>
    private static readonly Dictionary<MilestoneStatus, string> _apiNames = new()
    {
        [NotFunded] = "not_funded",
        [Funding] = "funding",
        [ActiveFunded] = "active_funded",
        [PendingApproval] = "pending_approval",
        [PayoutPending] = "payout_pending",
        [Paid] = "paid",
        [Cancelled] = "cancelled",
        [Refunded] = "refunded",
    };

    public static TheoryData<MilestoneStatus, MilestoneAction, MilestoneStatus, Type> LegalMoves
    {
        get
        {
            var data = new TheoryData<MilestoneStatus, MilestoneAction, MilestoneStatus, Type>();
            foreach (var row in _grid.Where(r => r.ExpectedCode is null))
            {
                data.Add(row.From, row.Action, row.ExpectedStatus!.Value, row.ExpectedEvent!);
            }

            return data;
        }
    }

    public static TheoryData<MilestoneStatus, MilestoneAction, string> IllegalMoves
    {
        get
        {
            var data = new TheoryData<MilestoneStatus, MilestoneAction, string>();
            foreach (var row in _grid.Where(r => r.ExpectedCode is not null))
            {
                data.Add(row.From, row.Action, row.ExpectedCode!);
            }

            return data;
        }
    }

    [Fact]
    public void Grid_WhenEnumerated_HoldsExactlyOneRowForEveryStateAndAction()
    {
        var expectedPairs =
            from state in Enum.GetValues<MilestoneStatus>()
            from action in Enum.GetValues<MilestoneAction>()
            select (state, action);

        var rows = _grid.Select(r => (r.From, r.Action)).ToList();

        Assert.Equal(8 * 16, rows.Count);
        Assert.Equal(rows.Count, rows.Distinct().Count());
        Assert.Equal(expectedPairs.OrderBy(p => p.state).ThenBy(p => p.action), rows.OrderBy(p => p.From).ThenBy(p => p.Action));
    }

    [Theory]
    [MemberData(nameof(LegalMoves))]
    public void Act_WhenMoveIsLegal_ReachesExpectedStatusWithOneEventAndOneTimelineEntry(
        MilestoneStatus from, MilestoneAction action, MilestoneStatus expectedStatus, Type expectedEvent)
    {
        var milestone = MilestoneBuilder.InState(from);
        var eventsBefore = milestone.DomainEvents.Count;
        var timelineBefore = milestone.Timeline.Count;

        MilestoneActions.Apply(milestone, action, Moments.Later);

        Assert.Equal(expectedStatus, milestone.Status);

        Assert.Equal(eventsBefore + 1, milestone.DomainEvents.Count);
        var raised = milestone.DomainEvents[^1];
        Assert.IsType(expectedEvent, raised);
        Assert.Equal(Moments.Later, raised.OccurredAt);

        Assert.Equal(timelineBefore + 1, milestone.Timeline.Count);
        var entry = milestone.Timeline[^1];
        Assert.Equal(timelineBefore + 1, entry.Sequence);
        Assert.Equal(Moments.Later, entry.At);
        Assert.Equal(from, entry.From);
        Assert.Equal(expectedStatus, entry.To);
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void Act_WhenMoveIsIllegal_ThrowsStableCodeAndChangesNothing(MilestoneStatus from, MilestoneAction action, string expectedCode)
    {
        var milestone = MilestoneBuilder.InState(from);
        var before = MilestoneSnapshot.Of(milestone);

        var error = Assert.Throws<DomainException>(() => MilestoneActions.Apply(milestone, action, Moments.Later));

        Assert.Equal(expectedCode, error.Code);
        Assert.Equal(before, MilestoneSnapshot.Of(milestone));
        if (expectedCode != NotDisputed)
        {
            Assert.Equal(_apiNames[from], error.Details["milestoneStatus"]);
            Assert.Equal(milestone.Id.Value, error.Details["milestoneId"]);
        }
    }

    [Fact]
    public void RetryPayout_WhenReleasing_StaysReleasingRequeuesAndAppendsTimelineEntry()
    {
        var milestone = MilestoneBuilder.InState(PayoutPending);
        milestone.FailPayout("account_closed", Moments.Now.AddHours(2));
        var timelineBefore = milestone.Timeline.Count;

        milestone.RetryPayout(Moments.Later);

        Assert.Equal(PayoutPending, milestone.Status);
        Assert.Equal(PayoutStatus.Pending, milestone.Payout.Status);
        Assert.Equal(PayoutPendingReason.Queued, milestone.Payout.Reason);
        Assert.Equal(Moments.Later, milestone.NextPayoutAttemptAt);
        Assert.Equal(timelineBefore + 1, milestone.Timeline.Count);
        Assert.Equal("payout_retry_requested", milestone.Timeline[^1].Action);
    }

    [Fact]
    public void RetryPayout_WhenReleasing_RaisesExactlyOneDomainEvent()
    {
        var milestone = MilestoneBuilder.InState(PayoutPending);
        milestone.FailPayout("account_closed", Moments.Now.AddHours(2));
        var eventsBefore = milestone.DomainEvents.Count;

        milestone.RetryPayout(Moments.Later);

        Assert.Equal(eventsBefore + 1, milestone.DomainEvents.Count);
        Assert.Equal(Moments.Later, milestone.DomainEvents[^1].OccurredAt);
    }

    private static GridRow Legal(MilestoneStatus from, MilestoneAction action, MilestoneStatus to, Type? expectedEvent) =>
        new(from, action, to, expectedEvent, null);

    private static GridRow Refused(MilestoneStatus from, MilestoneAction action, string code) =>
        new(from, action, null, null, code);

    private sealed record GridRow(
        MilestoneStatus From,
        MilestoneAction Action,
        MilestoneStatus? ExpectedStatus,
        Type? ExpectedEvent,
        string? ExpectedCode);
}
