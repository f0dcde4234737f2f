using Mediator;
using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Behaviours;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.Funding;

/// <summary>
/// The reconciliation job's work: asks the provider about every funding in flight that is due a
/// check (3-D Secure waiting, bank debit settling, outcome unknown after a timeout or a crash).
/// </summary>
public sealed record ReconcileFundingsCommand(int BatchSize = 50) : ICommand<int>, IMultiStepCommand;

public sealed partial class ReconcileFundingsHandler(IReadStore store, ISender sender, TimeProvider clock, ILogger<ReconcileFundingsHandler> logger)
    : ICommandHandler<ReconcileFundingsCommand, int>
{
    public async ValueTask<int> Handle(ReconcileFundingsCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await store.ToListAsync(
            store.Query<Milestone>()
                .Where(m => m.Status == MilestoneStatus.Funding && m.NextFundingCheckAt != null && m.NextFundingCheckAt <= now)
                .OrderBy(m => m.NextFundingCheckAt)
                .Take(command.BatchSize)
                .Select(m => m.Id),
            cancellationToken);
        var settled = 0;
        foreach (var id in due)
        {
            try
            {
                var response = await sender.Send(new ReconcileFundingCommand(id.Value), cancellationToken);
                if (response?.Outcome is FundingOutcome.Succeeded or FundingOutcome.Declined)
                {
                    settled++;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(exception, id.Value);
            }
        }

        return settled;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation of milestone {MilestoneId} did not complete this round")]
    private partial void LogFailed(Exception exception, Guid milestoneId);
}

/// <summary>Checks one funding in flight now (also used when the simulator's 3-D Secure page completes).</summary>
public sealed record ReconcileFundingCommand(Guid MilestoneId) : ICommand<FundingResponse?>, IMultiStepCommand;

public sealed class ReconcileFundingHandler(ISender sender, IPaymentGateway payments) : ICommandHandler<ReconcileFundingCommand, FundingResponse?>
{
    public async ValueTask<FundingResponse?> Handle(ReconcileFundingCommand command, CancellationToken cancellationToken)
    {
        var check = await sender.Send(new StartFundingCheckCommand(command.MilestoneId), cancellationToken);
        if (check is null)
        {
            return null;
        }

        FundingResult result;
        try
        {
            // Known intent: ask about it. No intent recorded (the request died before the answer):
            // send the same request again; its idempotency key finds the charge if there is one.
            result = check.PaymentIntentId is { } intent
                ? await payments.GetFundingAsync(intent, CancellationToken.None)
                : await payments.FundAsync(check.Redrive!.Request, CancellationToken.None);
        }
        catch (PaymentProviderException exception)
        {
            result = new FundingResult(FundingOutcome.Unknown, check.PaymentIntentId, Message: exception.Message);
        }

        return await sender.Send(new RecordFundingResultCommand(command.MilestoneId, check.Attempt, result), CancellationToken.None);
    }
}

/// <summary>Takes a due check (pushes the next one out, so two workers do not both ask) and says what to ask.</summary>
public sealed record StartFundingCheckCommand(Guid MilestoneId) : ICommand<FundingCheck?>;

public sealed record FundingCheck(int Attempt, string? PaymentIntentId, FundingInstruction? Redrive);

public sealed class StartFundingCheckHandler(
    IMilestoneRepository milestones,
    IRepository<Job, JobId> jobs,
    IRepository<EmployerBillingProfile, UserId> billingProfiles,
    Microsoft.Extensions.Options.IOptions<Common.FundingOptions> options,
    TimeProvider clock) : ICommandHandler<StartFundingCheckCommand, FundingCheck?>
{
    public async ValueTask<FundingCheck?> Handle(StartFundingCheckCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(new MilestoneId(command.MilestoneId), cancellationToken);
        if (milestone is null || milestone.Status != MilestoneStatus.Funding)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        milestone.ScheduleFundingCheck(now.Add(options.Value.CheckDelay(milestone.FundingChecks)));
        if (!string.IsNullOrEmpty(milestone.PaymentIntentId))
        {
            return new FundingCheck(milestone.FundingAttempts, milestone.PaymentIntentId, null);
        }

        var job = await jobs.FindAsync(milestone.JobId, cancellationToken);
        var billing = await billingProfiles.FindAsync(milestone.EmployerId, cancellationToken);
        if (job is null || billing?.DefaultPaymentMethod is null || billing.CustomerId is null)
        {
            return null;
        }

        // Send the attempt's own request again: the same key with another payment method is not the same request.
        var attemptMethod = milestone is { FundingPaymentMethodId: { } id, FundingPaymentMethodType: { } type }
            ? new PaymentMethodSummary(id, type, null, null)
            : billing.DefaultPaymentMethod;
        return new FundingCheck(milestone.FundingAttempts, null, FundingRequests.For(milestone, job, billing, attemptMethod));
    }
}
