using System.Globalization;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>
/// payment_intent.*: the outcome of a funding attempt, recorded by the funding process's own step. That step
/// also settles a success of an attempt no longer in flight (it funds the milestone, or is refunded once by
/// the worker): no provider call is made inside the webhook's transaction.
/// </summary>
public sealed class PaymentIntentChangedHandler(IMilestoneRepository milestones, FundingSteps funding) : IProviderEventHandler<PaymentIntentChanged>
{
    public async Task<WebhookOutcome> ApplyAsync(PaymentIntentChanged providerEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providerEvent);
        var metadata = providerEvent.Metadata;
        if (!metadata.TryGetValue("milestone_id", out var milestoneText))
        {
            // Not one of our fundings (a subscription's first payment, say).
            return WebhookOutcome.Ignored;
        }

        if (!Guid.TryParse(milestoneText, out var id)
            || !metadata.TryGetValue("funding_attempt", out var attemptText) || !int.TryParse(attemptText, CultureInfo.InvariantCulture, out var attempt))
        {
            throw new ProviderEventNotUnderstoodException(providerEvent, "its milestone_id or funding_attempt metadata cannot be read");
        }

        var milestone = await milestones.FindAsync(new MilestoneId(id), cancellationToken);
        if (milestone is null)
        {
            return WebhookOutcome.Ignored;
        }

        var matters = milestone.IsFundingAttemptInFlight(attempt)
            || providerEvent.Result is { Outcome: FundingOutcome.Succeeded, PaymentIntentId: { } paymentIntentId } && !milestone.IsFundedBy(paymentIntentId);
        await funding.RecordOutcomeAsync(milestone.Id, attempt, providerEvent.Result, cancellationToken);
        return matters ? WebhookOutcome.Applied : WebhookOutcome.Ignored;
    }
}
