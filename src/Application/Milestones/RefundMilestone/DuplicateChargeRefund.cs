using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.RefundMilestone;

/// <summary>
/// Gives back a succeeded charge that funds nothing (decision 010-late-charges), after the commit that found it:
/// (1) the refund at the provider with reason <c>duplicate</c> and a key of the PaymentIntent's own, so that
/// however often it is found or retried the charge is refunded exactly once; (2) the refund recorded on the
/// milestone's timeline, which tells the employer. A refusal fails the outbox delivery: it is retried on the
/// outbox's schedule and, if it keeps failing, parked where operators see it.
/// </summary>
public sealed partial class DuplicateChargeRefund(
    IMilestoneRepository milestones,
    IPaymentGateway payments,
    TimeProvider clock,
    ILogger<DuplicateChargeRefund> logger) : IDomainEventHandler<MilestoneDuplicateChargeDetected>
{
    public async Task HandleAsync(MilestoneDuplicateChargeDetected domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        var milestone = await milestones.FindAsync(domainEvent.MilestoneId, cancellationToken);
        if (milestone is null || !milestone.IsDuplicateChargeOutstanding(domainEvent.PaymentIntentId))
        {
            return;
        }

        var result = await payments.RefundAsync(
            new RefundRequest(
                domainEvent.PaymentIntentId,
                domainEvent.ChargeId,
                domainEvent.Charged,
                ProviderIdempotencyKeys.SupersededChargeRefund(domainEvent.PaymentIntentId),
                new Dictionary<string, string>
                {
                    ["milestone_id"] = domainEvent.MilestoneId.Value.ToString(),
                    ["funding_attempt"] = domainEvent.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["reason"] = "duplicate_funding_charge",
                },
                RefundReason.Duplicate),
            CancellationToken.None);
        if (result.Outcome != RefundOutcome.Succeeded)
        {
            throw new PaymentProviderException($"The refund of duplicate charge {domainEvent.PaymentIntentId} was refused: {result.Error}");
        }

        LogRefunded(domainEvent.MilestoneId.Value, domainEvent.Attempt, domainEvent.PaymentIntentId, result.RefundId);
        milestone.RecordDuplicateChargeRefunded(domainEvent.PaymentIntentId, result.RefundId, domainEvent.Charged, clock.GetUtcNow());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Milestone {MilestoneId}: funding attempt {Attempt} ({PaymentIntentId}) charged without funding it; refunded as a duplicate ({RefundId})")]
    private partial void LogRefunded(Guid milestoneId, int attempt, string paymentIntentId, string? refundId);
}
