using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.Funding;

/// <summary>Step 1 of funding: commits the new attempt (status <c>funding</c>) before the provider is called.</summary>
public sealed record BeginFundingCommand(Guid MilestoneId) : ICommand<FundingInstruction>;

public sealed class BeginFundingHandler(
    IMilestoneRepository milestones,
    IRepository<Job, JobId> jobs,
    IRepository<EmployerBillingProfile, UserId> billingProfiles,
    ICurrentUser user,
    TimeProvider clock) : ICommandHandler<BeginFundingCommand, FundingInstruction>
{
    public async ValueTask<FundingInstruction> Handle(BeginFundingCommand command, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(new MilestoneId(command.MilestoneId), cancellationToken);
        if (milestone is null || milestone.EmployerId != user.Id)
        {
            throw new NotFoundException("Milestone", command.MilestoneId);
        }

        var job = await jobs.FindAsync(milestone.JobId, cancellationToken) ?? throw new NotFoundException("Job", milestone.JobId);
        job.EnsureOpen();
        var billing = await billingProfiles.FindAsync(milestone.EmployerId, cancellationToken);
        var paymentMethod = billing?.EnsureCanFund()
            ?? throw new DomainException(EmployerBillingProfile.PaymentMethodRequired, "Add a payment method first (POST /api/v1/billing/payment-methods with a pm_... id, or POST /api/v1/billing/setup-intents for Stripe.js), then fund the milestone again.");

        milestone.BeginFunding(user.Id, clock.GetUtcNow(), paymentMethod);
        return FundingRequests.For(milestone, job, billing, paymentMethod);
    }
}
