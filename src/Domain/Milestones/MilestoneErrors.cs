using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>Stable codes of the milestone's refusals; clients branch on them.</summary>
public static class MilestoneErrors
{
    public const string NotFundable = "milestone_not_fundable";
    public const string NotFunding = "milestone_not_funding";
    public const string NotSubmittable = "milestone_not_submittable";
    public const string NotAwaitingApproval = "milestone_not_awaiting_approval";
    public const string NotApprovable = "milestone_not_approvable";
    public const string NotReleasing = "milestone_not_releasing";
    public const string NotCancellable = "milestone_not_cancellable";
    public const string NotRefundable = "milestone_not_refundable";
    public const string NotEditable = "milestone_not_editable";
    public const string NotDisputable = "milestone_not_disputable";
    public const string NotDisputed = "milestone_not_disputed";
    public const string Disputed = "milestone_disputed";
    public const string WrongParty = "milestone_wrong_party";
    public const string PayoutNotDue = "payout_not_due";
    public const string PayoutParked = "payout_parked";
    public const string RefundPending = "milestone_refund_pending";
    public const string AmountOutOfRange = "amount_out_of_range";
    public const string DescriptionRequired = "description_required";
    public const string TextTooLong = "text_too_long";

    internal static DomainException IllegalMove(string code, MilestoneId id, MilestoneStatus from, string action) =>
        new(code, $"Milestone {id} is {from.ToApiName()} and cannot be {action}.", new Dictionary<string, object?>
        {
            ["milestoneId"] = id.Value,
            ["milestoneStatus"] = from.ToApiName(),
            ["action"] = action,
        });

    internal static DomainException NotTheParty(MilestoneId id, string party) =>
        new(WrongParty, $"Only the contract's {party} can do this to milestone {id}.");
}
