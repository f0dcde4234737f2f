using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Ops;

/// <summary>Why an approved payout is not paid yet, as operators filter by it.</summary>
public enum UnpaidPayoutReason
{
    /// <summary>Due now or soon: the payout job sends it on its next run.</summary>
    Queued,

    /// <summary>The trainer has not finished payout setup; sent as soon as they do.</summary>
    PayoutSetupIncomplete,

    /// <summary>The provider refused for now (balance, rate limit, outage); retried on the schedule.</summary>
    Retrying,

    /// <summary>The funding charge is disputed; the payout waits for the dispute to close.</summary>
    Disputed,

    /// <summary>The provider refused for good: an admin must look and retry (POST .../retry).</summary>
    Parked,
}

/// <param name="Reason">Why it is not paid yet.</param>
/// <param name="Attempts">Transfer attempts that failed for a retryable reason so far.</param>
/// <param name="NextAttemptAt">When the payout job tries again (none while it waits for setup, a dispute or an admin).</param>
public sealed record UnpaidPayoutResponse(
    Guid MilestoneId,
    Guid ContractId,
    Guid TrainerId,
    long Amount,
    string Currency,
    UnpaidPayoutReason Reason,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    DateTimeOffset? ApprovedAt);

/// <summary>Every approved payout that is not paid, with the reason it waits: queued, waiting for setup, retrying, disputed or parked.</summary>
public sealed record ListUnpaidPayoutsQuery(UnpaidPayoutReason? Reason = null, Guid? TrainerId = null, int Limit = 100) : IQuery<IReadOnlyList<UnpaidPayoutResponse>>;

public sealed class ListUnpaidPayoutsHandler(IReadStore store) : IQueryHandler<ListUnpaidPayoutsQuery, IReadOnlyList<UnpaidPayoutResponse>>
{
    public async ValueTask<IReadOnlyList<UnpaidPayoutResponse>> Handle(ListUnpaidPayoutsQuery query, CancellationToken cancellationToken)
    {
        var unpaid = store.Query<Milestone>().Where(m => m.Status == MilestoneStatus.PayoutPending);
        if (query.TrainerId is { } trainer)
        {
            var trainerId = new UserId(trainer);
            unpaid = unpaid.Where(m => m.TrainerId == trainerId);
        }

        unpaid = query.Reason switch
        {
            null => unpaid,
            UnpaidPayoutReason.Parked => unpaid.Where(m => m.PayoutStatus == PayoutStatus.Failed),
            UnpaidPayoutReason.Disputed => unpaid.Where(m => m.PayoutStatus == PayoutStatus.Pending && m.DisputeId != null),
            var reason => unpaid.Where(m => m.PayoutStatus == PayoutStatus.Pending && m.DisputeId == null && m.PayoutReason == PendingReasonOf(reason.Value)),
        };
        var rows = await store.ToListAsync(unpaid.OrderBy(m => m.Id).Take(Math.Clamp(query.Limit, 1, 500)), cancellationToken);
        return rows.Select(m => new UnpaidPayoutResponse(
            m.Id.Value, m.ContractId.Value, m.TrainerId.Value, m.Amount.Amount, m.Amount.Currency, ReasonOf(m), m.PayoutAttempts, m.NextPayoutAttemptAt, m.PayoutLastError, m.ApprovedAt)).ToList();
    }

    private static UnpaidPayoutReason ReasonOf(Milestone milestone) =>
        milestone.PayoutStatus == PayoutStatus.Failed ? UnpaidPayoutReason.Parked
        : milestone.IsDisputed ? UnpaidPayoutReason.Disputed
        : milestone.PayoutReason switch
        {
            PayoutPendingReason.PayoutSetupIncomplete => UnpaidPayoutReason.PayoutSetupIncomplete,
            PayoutPendingReason.Retrying => UnpaidPayoutReason.Retrying,
            PayoutPendingReason.Disputed => UnpaidPayoutReason.Disputed,
            _ => UnpaidPayoutReason.Queued,
        };

    private static PayoutPendingReason PendingReasonOf(UnpaidPayoutReason reason) => reason switch
    {
        UnpaidPayoutReason.PayoutSetupIncomplete => PayoutPendingReason.PayoutSetupIncomplete,
        UnpaidPayoutReason.Retrying => PayoutPendingReason.Retrying,
        _ => PayoutPendingReason.Queued,
    };
}

/// <summary>An admin puts a parked or waiting payout back in the queue; the payout job sends it with the same key.</summary>
public sealed record RetryPayoutCommand(Guid MilestoneId) : ICommand<MilestoneResponse>;

public sealed class RetryPayoutHandler(IMilestoneRepository milestones, TimeProvider clock) : ICommandHandler<RetryPayoutCommand, MilestoneResponse>
{
    public async ValueTask<MilestoneResponse> Handle(RetryPayoutCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(new MilestoneId(command.MilestoneId), cancellationToken)
            ?? throw new NotFoundException("Milestone", command.MilestoneId);
        milestone.RetryPayout(clock.GetUtcNow());
        return milestone.ToResponse(viewerIsEmployer: false, includeTimeline: true);
    }
}
