using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Application.Payouts.Accounts;

/// <summary>Settings -> Payouts: the trainer's payout setup and the payouts waiting for it.</summary>
public sealed record GetPayoutAccountQuery : IQuery<PayoutAccountResponse>;

public sealed class GetPayoutAccountHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetPayoutAccountQuery, PayoutAccountResponse>
{
    public async ValueTask<PayoutAccountResponse> Handle(GetPayoutAccountQuery query, CancellationToken cancellationToken)
    {
        var trainerId = user.Id;
        var account = await store.FirstOrDefaultAsync(store.Query<TrainerPayoutAccount>().Where(a => a.Id == trainerId), cancellationToken);
        return await PayoutAccountResponse.ForAsync(account, trainerId, store, cancellationToken);
    }
}
