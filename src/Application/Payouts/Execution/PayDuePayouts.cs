using Mediator;
using OpenTrain.Clean.Application.Common;

namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>
/// One round of the payout job: leases a batch of due payouts (<see cref="PayoutOptions.BatchSize"/> unless given)
/// and pays each on its own. Answers how many it leased.
/// </summary>
public sealed record PayDuePayoutsCommand(int? BatchSize = null) : IProcessCommand<int>;

public sealed class PayDuePayoutsHandler(PayoutProcess payouts) : IRequestHandler<PayDuePayoutsCommand, int>
{
    public async ValueTask<int> Handle(PayDuePayoutsCommand command, CancellationToken cancellationToken) =>
        await payouts.PayDueAsync(command.BatchSize, cancellationToken);
}
