using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Milestones;

public sealed class MilestoneStatusTests
{
    [Theory]
    [InlineData(MilestoneStatus.NotFunded, "not_funded", true, false, false)]
    [InlineData(MilestoneStatus.Funding, "funding", true, false, false)]
    [InlineData(MilestoneStatus.ActiveFunded, "active_funded", true, true, false)]
    [InlineData(MilestoneStatus.PendingApproval, "pending_approval", true, true, false)]
    [InlineData(MilestoneStatus.PayoutPending, "payout_pending", true, true, false)]
    [InlineData(MilestoneStatus.Paid, "paid", false, false, true)]
    [InlineData(MilestoneStatus.Cancelled, "cancelled", false, false, true)]
    [InlineData(MilestoneStatus.Refunded, "refunded", false, false, true)]
    public void Status_WhenClassified_HasItsApiNameAndEscrowFacts(MilestoneStatus status, string apiName, bool unresolved, bool held, bool final)
    {
        Assert.Equal(apiName, status.ToApiName());
        Assert.Equal(unresolved, status.IsUnresolved());
        Assert.Equal(held, status.IsHeldInEscrow());
        Assert.Equal(final, status.IsFinal());
    }
}
