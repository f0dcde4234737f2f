using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using static OpenTrain.Clean.Domain.UnitTests.Milestones.MilestoneAction;

namespace OpenTrain.Clean.Domain.UnitTests.Milestones;

/// <summary>Every business action a milestone exposes, as the grid's columns.</summary>
public enum MilestoneAction
{
    UpdateDetails,
    BeginFunding,
    MarkFundingAwaitingAction,
    MarkFunded,
    MarkFundingFailed,
    Submit,
    RequestChanges,
    Approve,
    DeferPayout,
    FailPayout,
    RetryPayout,
    MarkPaid,
    Cancel,
    Refund,
    OpenDispute,
    CloseDispute,
}

/// <summary>How the grid performs each action on a milestone: the domain call with plausible arguments.</summary>
internal static class MilestoneActions
{
    public static void Apply(Milestone milestone, MilestoneAction action, DateTimeOffset at)
    {
        switch (action)
        {
            case UpdateDetails:
                milestone.UpdateDetails(Parties.Employer, "Label 800 images", "Label 800 images with polygons", Money.FromCents(20_000), null, FeeSchedule.Default, at);
                break;
            case BeginFunding:
                milestone.BeginFunding(Parties.Employer, at);
                break;
            case MarkFundingAwaitingAction:
                milestone.MarkFundingAwaitingAction(milestone.Funding.Attempts, "pi_grid", "pi_grid_secret", "requires_action", at);
                break;
            case MarkFunded:
                milestone.MarkFunded(milestone.Funding.Attempts, "pi_grid", "ch_grid", at);
                break;
            case MarkFundingFailed:
                milestone.MarkFundingFailed(milestone.Funding.Attempts, new FundingError("card_declined", "Your card was declined."), at);
                break;
            case Submit:
                milestone.Submit(Parties.Trainer, "Ready for review.", at);
                break;
            case RequestChanges:
                milestone.RequestChanges(Parties.Employer, "Boxes are too loose.", at);
                break;
            case Approve:
                milestone.Approve(Parties.Employer, at);
                break;
            case DeferPayout:
                milestone.DeferPayout(PayoutPendingReason.PayoutSetupIncomplete, at.AddHours(1), "payouts not enabled", at);
                break;
            case FailPayout:
                milestone.FailPayout("account_closed", at);
                break;
            case RetryPayout:
                milestone.RetryPayout(at);
                break;
            case MarkPaid:
                milestone.MarkPaid("tr_grid", at);
                break;
            case Cancel:
                milestone.Cancel(Parties.Employer, at);
                break;
            case Refund:
                milestone.MarkRefunded("re_grid", at);
                break;
            case OpenDispute:
                milestone.OpenDispute("dp_grid", at);
                break;
            case CloseDispute:
                milestone.CloseDispute(at);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, null);
        }
    }
}
