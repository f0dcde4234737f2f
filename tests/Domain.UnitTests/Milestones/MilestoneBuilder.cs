using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Milestones;

/// <summary>Builds milestones and walks them into a state through legal moves only.</summary>
internal static class MilestoneBuilder
{
    public const long DefaultAmountCents = 10_000;

    public static ContractId ContractId { get; } = new(new Guid("00000000-0000-0000-0000-0000000c0001"));

    public static JobId JobId { get; } = new(new Guid("00000000-0000-0000-0000-0000000a0001"));

    public static Milestone Create(long amountCents = DefaultAmountCents, int sequence = 1, FeeSchedule? fees = null, string? title = "Label 500 images") =>
        Milestone.Create(
            ContractId,
            JobId,
            Parties.Employer,
            Parties.Trainer,
            sequence,
            title,
            "Label 500 images with bounding boxes",
            Money.FromCents(amountCents),
            new DateOnly(2026, 12, 15),
            fees ?? FeeSchedule.Default,
            Moments.Now);

    /// <summary>A milestone in <paramref name="status"/>, reached the way production reaches it.</summary>
    public static Milestone InState(MilestoneStatus status)
    {
        var milestone = Create();
        var step = Moments.Now;
        DateTimeOffset Next() => step = step.AddMinutes(1);

        switch (status)
        {
            case MilestoneStatus.NotFunded:
                break;
            case MilestoneStatus.Funding:
                milestone.BeginFunding(Parties.Employer, Next());
                break;
            case MilestoneStatus.ActiveFunded:
                Fund(milestone, Next());
                break;
            case MilestoneStatus.PendingApproval:
                Fund(milestone, Next());
                milestone.Submit(Parties.Trainer, "Done, see the export.", Next());
                break;
            case MilestoneStatus.PayoutPending:
                Fund(milestone, Next());
                milestone.Submit(Parties.Trainer, "Done, see the export.", Next());
                milestone.Approve(Parties.Employer, Next());
                break;
            case MilestoneStatus.Paid:
                Fund(milestone, Next());
                milestone.Submit(Parties.Trainer, "Done, see the export.", Next());
                milestone.Approve(Parties.Employer, Next());
                milestone.MarkPaid("tr_build", Next());
                break;
            case MilestoneStatus.Cancelled:
                milestone.Cancel(Parties.Employer, Next());
                break;
            case MilestoneStatus.Refunded:
                Fund(milestone, Next());
                milestone.MarkRefunded("re_build", Next());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, null);
        }

        if (milestone.Status != status)
        {
            throw new InvalidOperationException($"The builder meant to reach {status} but reached {milestone.Status}.");
        }

        return milestone;
    }

    /// <summary>Funded with a dispute open on its funding charge.</summary>
    public static Milestone Disputed(MilestoneStatus heldStatus)
    {
        var milestone = InState(heldStatus);
        milestone.OpenDispute("dp_build", Moments.Now.AddHours(1));
        return milestone;
    }

    private static void Fund(Milestone milestone, DateTimeOffset at)
    {
        var attempt = milestone.BeginFunding(Parties.Employer, at);
        milestone.MarkFunded(attempt.Number, "pi_build", "ch_build", at);
    }
}
