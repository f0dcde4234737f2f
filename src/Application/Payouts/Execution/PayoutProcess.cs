using Mediator;
using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Payouts.Execution;

/// <summary>
/// Pays one milestone out: claim (committed) -> transfer with the milestone's idempotency key ->
/// record (committed). A crash anywhere leaves the payout to fall due again; the repeated transfer
/// call finds the first transfer, so the trainer is paid exactly once.
/// </summary>
public sealed partial class PayoutProcess(ISender sender, IPaymentGateway payments, ILogger<PayoutProcess> logger)
{
    /// <param name="leasedUntil">Set when the payout job already leased the payout (<see cref="IPayoutClaims"/>).</param>
    public async Task<PayoutStatus?> ExecuteAsync(Guid milestoneId, CancellationToken cancellationToken, DateTimeOffset? leasedUntil = null)
    {
        var instruction = await sender.Send(new ClaimPayoutCommand(milestoneId, leasedUntil), cancellationToken);
        if (instruction is null)
        {
            return null;
        }

        TransferResult result;
        try
        {
            result = await payments.TransferAsync(instruction.Request, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Whatever failed, the request may have reached the provider: retry with the same key, on the schedule.
            LogUnknown(exception, milestoneId);
            result = new TransferResult(TransferOutcome.Unknown, Error: TransferErrors.Unknown);
        }

        return await sender.Send(new RecordPayoutResultCommand(milestoneId, result), CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout of milestone {MilestoneId}: outcome unknown; it will be retried with the same idempotency key")]
    private partial void LogUnknown(Exception exception, Guid milestoneId);
}
