using Mediator;
using OpenTrain.Clean.Application.Common;

namespace OpenTrain.Clean.Application.Milestones.Funding;

/// <summary>
/// The reconciliation job's work: asks the provider about every funding in flight that is due a check, then
/// applies the provider's events whose webhooks were lost (a late success of any attempt of any milestone among them).
/// </summary>
public sealed record ReconcileFundingsCommand(int BatchSize = 50) : IProcessCommand<int>;

public sealed class ReconcileFundingsHandler(FundingProcess funding, Webhooks.ProviderEventSweep sweep) : IRequestHandler<ReconcileFundingsCommand, int>
{
    public async ValueTask<int> Handle(ReconcileFundingsCommand command, CancellationToken cancellationToken) =>
        await funding.ReconcileDueAsync(command.BatchSize, cancellationToken) + await sweep.SweepAsync(cancellationToken);
}
