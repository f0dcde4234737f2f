using Mediator;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Milestones.Funding;

/// <summary>Checks one funding in flight now (the simulator's 3-D Secure page, when it completes).</summary>
public sealed record ReconcileFundingCommand(Guid MilestoneId) : IProcessCommand<FundingResponse?>;

public sealed class ReconcileFundingHandler(FundingProcess funding) : IRequestHandler<ReconcileFundingCommand, FundingResponse?>
{
    public async ValueTask<FundingResponse?> Handle(ReconcileFundingCommand command, CancellationToken cancellationToken) =>
        await funding.ReconcileAsync(new MilestoneId(command.MilestoneId), cancellationToken);
}
