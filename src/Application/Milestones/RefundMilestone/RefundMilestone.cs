using Mediator;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Milestones.RefundMilestone;

/// <summary>
/// Support returns a held funding to the employer (admin only): a refund of the funding charge (one
/// refund per milestone, ever), then the milestone refunded, the funding invoice refunded and a
/// credit note issued. Released money is never refundable here.
/// </summary>
public sealed record RefundMilestoneCommand(Guid MilestoneId) : IProcessCommand<RefundResponse>;

public sealed record RefundResponse(MilestoneResponse Milestone, string RefundId, Guid? CreditNoteId);

public sealed class RefundMilestoneHandler(RefundProcess refunds) : IRequestHandler<RefundMilestoneCommand, RefundResponse>
{
    public async ValueTask<RefundResponse> Handle(RefundMilestoneCommand command, CancellationToken cancellationToken) =>
        await refunds.RefundAsync(new MilestoneId(command.MilestoneId), cancellationToken);
}
