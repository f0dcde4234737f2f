using Mediator;
using OpenTrain.Clean.Application.Abstractions;
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
            UnpaidPayoutReason.Parked => unpaid.Where(m => m.Payout.Status == PayoutStatus.Failed),
            UnpaidPayoutReason.Disputed => unpaid.Where(m => m.Payout.Status == PayoutStatus.Pending && m.Refund.DisputeId != null),
            var reason => unpaid.Where(m => m.Payout.Status == PayoutStatus.Pending && m.Refund.DisputeId == null && m.Payout.Reason == PendingReasonOf(reason.Value)),
        };
        var rows = await store.ToListAsync(unpaid.OrderBy(m => m.Id).Take(Math.Clamp(query.Limit, 1, 500)), cancellationToken);
        return rows.Select(m => new UnpaidPayoutResponse(
            m.Id.Value, m.ContractId.Value, m.TrainerId.Value, m.Amount.Amount, m.Amount.Currency, ReasonOf(m), m.Payout.Attempts, m.NextPayoutAttemptAt, m.Payout.LastError, m.Review.ApprovedAt)).ToList();
    }

    private static UnpaidPayoutReason ReasonOf(Milestone milestone) =>
        milestone.Payout.Status == PayoutStatus.Failed ? UnpaidPayoutReason.Parked
        : milestone.IsDisputed ? UnpaidPayoutReason.Disputed
        : milestone.Payout.Reason switch
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
