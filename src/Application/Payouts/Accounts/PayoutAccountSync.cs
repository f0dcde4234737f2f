using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Application.Payouts.Accounts;

/// <summary>
/// "The account was updated" (the simulator's onboarding page, Stripe's <c>account.updated</c>): reads
/// the trainer's connected account from the provider and applies it, inside its caller's transaction.
/// Becoming enabled raises PayoutAccountEnabled, which wakes the payouts waiting for it.
/// </summary>
public sealed class PayoutAccountSync(IReadStore store, IRepository<TrainerPayoutAccount, UserId> accounts, IPaymentGateway payments, TimeProvider clock)
{
    /// <summary>False when the account is not one of ours.</summary>
    public async Task<bool> ApplyAsync(string connectedAccountId, CancellationToken cancellationToken)
    {
        var trainerId = await store.FirstOrDefaultAsync(
            store.Query<TrainerPayoutAccount>().Where(a => a.ConnectedAccountId == connectedAccountId).Select(a => (UserId?)a.Id),
            cancellationToken);
        if (trainerId is null || await accounts.FindAsync(trainerId.Value, cancellationToken) is not { } account)
        {
            return false;
        }

        var status = await payments.GetConnectedAccountAsync(connectedAccountId, cancellationToken);
        account.ApplyProviderStatus(status.PayoutsEnabled, status.TransfersActive, status.RequirementsDue, status.DetailsSubmitted, clock.GetUtcNow());
        return true;
    }
}
