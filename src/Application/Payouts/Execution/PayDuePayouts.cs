using Mediator;
using OpenTrain.Clean.Application.Common;

namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>The payout job's work: every due payout, each on its own, one failure never stopping the rest.</summary>
public sealed record PayDuePayoutsCommand(int BatchSize = 50) : IProcessCommand<int>;

public sealed class PayDuePayoutsHandler(PayoutProcess payouts) : IRequestHandler<PayDuePayoutsCommand, int>
{
    public async ValueTask<int> Handle(PayDuePayoutsCommand command, CancellationToken cancellationToken) =>
        await payouts.PayDueAsync(command.BatchSize, cancellationToken);
}
