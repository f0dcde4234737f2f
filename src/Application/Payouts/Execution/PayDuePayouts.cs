using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Behaviours;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>The payout job's work: every due payout, each on its own, one failure never stopping the rest.</summary>
public sealed record PayDuePayoutsCommand(int BatchSize = 50) : ICommand<int>, IMultiStepCommand;

public sealed partial class PayDuePayoutsHandler(IPayoutClaims claims, PayoutProcess payouts, IOptions<PayoutOptions> options, TimeProvider clock, ILogger<PayDuePayoutsHandler> logger)
    : ICommandHandler<PayDuePayoutsCommand, int>
{
    public async ValueTask<int> Handle(PayDuePayoutsCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var leaseUntil = now.Add(options.Value.ClaimLease);
        var due = await claims.ClaimDueAsync(command.BatchSize, now, leaseUntil, cancellationToken);

        var sent = 0;
        foreach (var id in due)
        {
            try
            {
                if (await payouts.ExecuteAsync(id.Value, cancellationToken, leaseUntil) is not null)
                {
                    sent++;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Anything that failed here is retried when its lease ends and it falls due again.
                LogFailed(exception, id.Value);
            }
        }

        return sent;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout of milestone {MilestoneId} did not complete this round")]
    private partial void LogFailed(Exception exception, Guid milestoneId);
}
