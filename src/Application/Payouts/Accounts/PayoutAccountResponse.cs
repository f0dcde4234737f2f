using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Application.Payouts.Accounts;

/// <summary>Settings -> Payouts: where the trainer's payout setup stands.</summary>
/// <param name="Status">not_started, onboarding, enabled or restricted.</param>
/// <param name="RequirementsDue">What the provider still needs (identity, tax, bank details).</param>
/// <param name="PendingPayouts">Approved milestones waiting for this setup.</param>
public sealed record PayoutAccountResponse(
    PayoutAccountStatus Status,
    string? Country,
    string? ConnectedAccountId,
    bool PayoutsEnabled,
    IReadOnlyList<string> RequirementsDue,
    int PendingPayouts)
{
    /// <summary>The trainer's account as it stands (none yet: not started), with the payouts waiting for it.</summary>
    internal static async Task<PayoutAccountResponse> ForAsync(TrainerPayoutAccount? account, UserId trainerId, IReadStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var pending = await store.ToListAsync(
            store.Query<Milestone>().Where(m => m.TrainerId == trainerId && m.Status == MilestoneStatus.PayoutPending && m.Payout.Status == PayoutStatus.Pending).Select(m => m.Id),
            cancellationToken);
        return account is null
            ? new PayoutAccountResponse(PayoutAccountStatus.NotStarted, null, null, false, [], pending.Count)
            : new PayoutAccountResponse(account.Status, account.Country, account.ConnectedAccountId, account.PayoutsEnabled, account.RequirementsDue, pending.Count);
    }
}
