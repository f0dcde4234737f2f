using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.Funding;

public static class FundingRequests
{
    /// <summary>
    /// The provider request of the milestone's current attempt. Built the same way every time, so
    /// re-sending it (after a crash, from reconciliation) repeats the same idempotent call.
    /// </summary>
    public static FundingInstruction For(Milestone milestone, Job job, EmployerBillingProfile billing, PaymentMethodSummary paymentMethod)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(billing);
        ArgumentNullException.ThrowIfNull(paymentMethod);
        var attempt = milestone.CurrentFundingAttempt;
        var request = new FundingRequest(
            milestone.EmployerId,
            billing.CustomerId!,
            paymentMethod.ProviderId,
            paymentMethod.Type,
            attempt.Amount,
            ProviderIdempotencyKeys.Funding(milestone.Id, attempt.Number),
            $"{job.Title}: {milestone.Title}",
            new Dictionary<string, string>
            {
                ["milestone_id"] = milestone.Id.Value.ToString(),
                ["contract_id"] = milestone.ContractId.Value.ToString(),
                ["job_id"] = milestone.JobId.Value.ToString(),
                ["funding_attempt"] = attempt.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            milestone.Id.Value.ToString());
        return new FundingInstruction(milestone.Id, milestone.ContractId, attempt.Number, request);
    }
}
