using Mediator;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>
/// Step 1 of a payout: takes a due payout (a lease, committed), or defers it when the trainer's
/// payout setup is unfinished. Returns null when there is nothing to send now.
/// </summary>
public sealed record ClaimPayoutCommand(Guid MilestoneId) : ICommand<PayoutInstruction?>;

public sealed record PayoutInstruction(MilestoneId MilestoneId, TransferRequest Request);

public sealed class ClaimPayoutHandler(
    IMilestoneRepository milestones,
    IRepository<TrainerPayoutAccount, UserId> payoutAccounts,
    IOptions<PayoutOptions> options,
    TimeProvider clock) : ICommandHandler<ClaimPayoutCommand, PayoutInstruction?>
{
    public async ValueTask<PayoutInstruction?> Handle(ClaimPayoutCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var milestone = await milestones.FindAsync(new MilestoneId(command.MilestoneId), cancellationToken);
        if (milestone is null || !milestone.IsPayoutDue(now))
        {
            return null;
        }

        var account = await payoutAccounts.FindAsync(milestone.TrainerId, cancellationToken);
        if (account is null || !account.CanReceiveTransfers)
        {
            // Woken when the account becomes enabled (PayoutAccountEnabled), not by the clock.
            milestone.DeferPayout(
                PayoutPendingReason.PayoutSetupIncomplete,
                nextAttemptAt: null,
                "The trainer has not finished payout setup (Settings -> Payouts).",
                now);
            return null;
        }

        milestone.ClaimPayoutAttempt(now, now.Add(options.Value.ClaimLease));
        return new PayoutInstruction(milestone.Id, new TransferRequest(
            account.ConnectedAccountId!,
            milestone.Amount,
            milestone.ChargeId,
            milestone.Id.Value.ToString(),
            ProviderIdempotencyKeys.Payout(milestone.Id),
            new Dictionary<string, string>
            {
                ["milestone_id"] = milestone.Id.Value.ToString(),
                ["contract_id"] = milestone.ContractId.Value.ToString(),
                ["job_id"] = milestone.JobId.Value.ToString(),
                ["trainer_id"] = milestone.TrainerId.Value.ToString(),
            }));
    }
}
