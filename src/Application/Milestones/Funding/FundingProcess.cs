using Mediator;
using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;

namespace OpenTrain.Clean.Application.Milestones.Funding;

/// <summary>
/// Steps 2 and 3 of funding: calls the provider with the committed attempt's idempotency key, then
/// records the outcome in its own transaction. Neither step listens to the caller's cancellation:
/// once a charge may exist, its outcome must be written down.
/// </summary>
public sealed partial class FundingProcess(IPaymentGateway payments, ISender sender, ILogger<FundingProcess> logger)
{
    public async Task<FundingResponse> CompleteAsync(FundingInstruction instruction)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        FundingResult result;
        try
        {
            result = await payments.FundAsync(instruction.Request, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not PaymentMethodRejectedException)
        {
            // Whatever failed, the request may have reached the provider: reconciliation finds out.
            LogOutcomeUnknown(instruction.MilestoneId.Value, instruction.Attempt, exception.Message);
            result = new FundingResult(FundingOutcome.Unknown, Message: "The payment provider did not confirm the charge; it will be checked again shortly.");
        }

        return await sender.Send(new RecordFundingResultCommand(instruction.MilestoneId.Value, instruction.Attempt, result), CancellationToken.None);
    }

    /// <summary>A decline is answered with 402 and the decline code; the milestone keeps the error.</summary>
    public static FundingResponse ThrowIfDeclined(FundingResponse response, Guid contractId)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Outcome != FundingOutcome.Declined)
        {
            return response;
        }

        throw new PaymentDeclinedException(
            response.DeclineCode ?? "card_declined",
            $"{response.Message ?? "The payment was declined."} Add another payment method (POST /api/v1/billing/payment-methods) and fund the milestone again (POST /api/v1/milestones/{response.Milestone.Id}/fund).",
            new Dictionary<string, object?>
            {
                ["declineCode"] = response.DeclineCode,
                ["milestoneId"] = response.Milestone.Id,
                ["contractId"] = contractId,
                ["invoiceId"] = response.InvoiceId,
                ["milestoneStatus"] = "not_funded",
            });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Funding attempt {Attempt} of milestone {MilestoneId}: outcome unknown ({Reason}); reconciliation will settle it")]
    private partial void LogOutcomeUnknown(Guid milestoneId, int attempt, string reason);
}
