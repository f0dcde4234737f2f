using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Contracts;

/// <summary>
/// Milestone money by where it is, in cents; fees are not escrow and are not counted.
/// <c>funded</c> = <c>inEscrow</c> + <c>released</c> + <c>refunded</c>.
/// </summary>
public sealed record EscrowSummary(string Currency, long Funded, long InEscrow, long Released, long Refunded)
{
    public static EscrowSummary From(IEnumerable<(MilestoneStatus Status, long Amount)> milestones)
    {
        long held = 0, released = 0, refunded = 0;
        foreach (var (status, amount) in milestones)
        {
            if (status.IsHeldInEscrow())
            {
                held += amount;
            }
            else if (status == MilestoneStatus.Paid)
            {
                released += amount;
            }
            else if (status == MilestoneStatus.Refunded)
            {
                refunded += amount;
            }
        }

        return new EscrowSummary(Money.Usd, held + released + refunded, held, released, refunded);
    }
}
