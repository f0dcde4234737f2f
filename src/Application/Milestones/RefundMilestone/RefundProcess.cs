using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Milestones.RefundMilestone;

/// <summary>
/// Support's refund, as it runs: (1) commit the claim (no approval can release the same money while the
/// refund is under way), (2) refund at the provider outside any transaction, with the milestone's
/// idempotency key (one refund per milestone, ever), (3) commit the outcome: refunded with its credit
/// note, or, if the provider refused, the milestone as it was.
/// </summary>
public sealed class RefundProcess(IUnitOfWork unitOfWork, RefundSteps steps, IPaymentGateway payments)
{
    public async Task<RefundResponse> RefundAsync(MilestoneId milestoneId, CancellationToken cancellationToken)
    {
        // 1. The refund is under way, committed.
        var request = await unitOfWork.ExecuteAsync(ct => steps.RequestAsync(milestoneId, ct), cancellationToken);

        // 2. The refund at the provider, outside any transaction.
        RefundResult result;
        try
        {
            result = await payments.RefundAsync(request, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not PaymentProviderException)
        {
            // The claim stays: a retry repeats the same refund (same key), which the provider made at most once.
            throw new PaymentProviderException($"The refund's outcome is unknown: {exception.Message}", exception);
        }

        // 3. The outcome, in a transaction of its own.
        if (result.Outcome != RefundOutcome.Succeeded || result.RefundId is null)
        {
            await unitOfWork.ExecuteAsync(ct => steps.AbandonAsync(milestoneId, result.Error ?? "refused", ct), CancellationToken.None);
            throw new DomainException(ApplicationErrors.RefundFailed, $"The payment provider refused the refund: {result.Error}");
        }

        return await unitOfWork.ExecuteAsync(ct => steps.RecordAsync(milestoneId, result.RefundId, ct), CancellationToken.None);
    }
}
