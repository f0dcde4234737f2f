using Mediator;
using OpenTrain.Clean.Application.Common;

namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>
/// One round of the payout job: leases a batch of due payouts (<see cref="PayoutOptions.BatchSize"/> unless given)
/// and pays each on its own.
/// </summary>
public sealed record PayDuePayoutsCommand(int? BatchSize = null) : IProcessCommand<PayoutRound>;

/// <param name="Leased">Due payouts this round took (a full batch means more may be due).</param>
/// <param name="Sent">Of those, the ones sent to the provider (the others were deferred, e.g. payout setup unfinished).</param>
public sealed record PayoutRound(int Leased, int Sent);

public sealed class PayDuePayoutsHandler(PayoutProcess payouts) : IRequestHandler<PayDuePayoutsCommand, PayoutRound>
{
    public async ValueTask<PayoutRound> Handle(PayDuePayoutsCommand command, CancellationToken cancellationToken) =>
        await payouts.PayDueAsync(command.BatchSize, cancellationToken);
}
