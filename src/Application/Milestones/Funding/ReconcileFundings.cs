using Mediator;
using OpenTrain.Clean.Application.Common;

namespace OpenTrain.Clean.Application.Milestones.Funding;

/// <summary>The reconciliation job's work: asks the provider about every funding in flight that is due a check.</summary>
public sealed record ReconcileFundingsCommand(int BatchSize = 50) : IProcessCommand<int>;

public sealed class ReconcileFundingsHandler(FundingProcess funding) : IRequestHandler<ReconcileFundingsCommand, int>
{
    public async ValueTask<int> Handle(ReconcileFundingsCommand command, CancellationToken cancellationToken) =>
        await funding.ReconcileDueAsync(command.BatchSize, cancellationToken);
}
