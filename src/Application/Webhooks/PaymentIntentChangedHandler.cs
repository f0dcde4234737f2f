using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>
/// payment_intent.*: the outcome of a funding attempt, recorded by the funding process's own step. A
/// charge of an attempt the milestone no longer follows is given back, once, by its own key.
/// </summary>
public sealed partial class PaymentIntentChangedHandler(
    IMilestoneRepository milestones,
    FundingSteps funding,
    IPaymentGateway payments,
    ILogger<PaymentIntentChangedHandler> logger) : IProviderEventHandler<PaymentIntentChanged>
{
    public async Task<WebhookOutcome> ApplyAsync(PaymentIntentChanged providerEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providerEvent);
        var metadata = providerEvent.Metadata;
        if (!metadata.TryGetValue("milestone_id", out var milestoneText) || !Guid.TryParse(milestoneText, out var id)
            || !metadata.TryGetValue("funding_attempt", out var attemptText) || !int.TryParse(attemptText, CultureInfo.InvariantCulture, out var attempt))
        {
            return WebhookOutcome.Ignored;
        }

        var milestone = await milestones.FindAsync(new MilestoneId(id), cancellationToken);
        if (milestone is null)
        {
            return WebhookOutcome.Ignored;
        }

        if (milestone.IsFundingAttemptInFlight(attempt))
        {
            await funding.RecordOutcomeAsync(milestone.Id, attempt, providerEvent.Result, cancellationToken);
            return WebhookOutcome.Applied;
        }

        // A charge of an attempt that is no longer the milestone's (a late 3-D Secure on an earlier attempt
        // after a later one funded it, say): the employer would pay twice. Give it back, once, by its own key.
        if (providerEvent.Result is { Outcome: FundingOutcome.Succeeded, PaymentIntentId: { } superseded } && superseded != milestone.Funding.PaymentIntentId)
        {
            var refund = await payments.RefundAsync(
                new RefundRequest(
                    superseded,
                    providerEvent.Result.ChargeId,
                    new Money(providerEvent.Amount ?? 0, milestone.Amount.Currency),
                    ProviderIdempotencyKeys.SupersededChargeRefund(superseded),
                    new Dictionary<string, string> { ["milestone_id"] = id.ToString(), ["reason"] = "superseded_funding_attempt" }),
                cancellationToken);
            LogSupersededChargeRefunded(id, attempt, superseded, refund.Outcome.ToString());
            return WebhookOutcome.Applied;
        }

        return WebhookOutcome.Ignored;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Milestone {MilestoneId}: funding attempt {Attempt} succeeded after it was superseded ({PaymentIntentId}); refund {Outcome}")]
    private partial void LogSupersededChargeRefunded(Guid milestoneId, int attempt, string paymentIntentId, string outcome);
}
