using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.Funding;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Application.Contracts.HireTrainer;

/// <summary>
/// The first step of a hire, run by <see cref="FundingProcess"/> in its first transaction: checks
/// everything that would refuse the hire before anything is created, then adds the contract, its
/// first milestone and the milestone's first funding attempt together.
/// </summary>
public sealed class StartHireStep(
    IRepository<Job, JobId> jobs,
    IRepository<Contract, ContractId> contracts,
    IMilestoneRepository milestones,
    IRepository<UserProfile, UserId> users,
    IRepository<EmployerBillingProfile, UserId> billingProfiles,
    IOptions<FeeOptions> fees,
    TimeProvider clock)
{
    public async Task<FundingInstruction> ExecuteAsync(HireTrainerCommand command, UserId employerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var job = await jobs.FindAsync(new JobId(command.JobId), cancellationToken);
        if (job is null || job.EmployerId != employerId)
        {
            throw new NotFoundException("Job", command.JobId);
        }

        var trainer = await users.FindAsync(new UserId(command.TrainerId), cancellationToken);
        if (trainer is null || trainer.Role != UserRole.Trainer)
        {
            throw new UnprocessableException(
                ApplicationErrors.TrainerNotFound,
                $"No trainer {command.TrainerId} is known. A trainer becomes known after their first sign-in (GET /api/v1/me).",
                "trainerId");
        }

        var billing = await billingProfiles.FindAsync(employerId, cancellationToken);
        var paymentMethod = billing?.EnsureCanFund()
            ?? throw new DomainException(EmployerBillingProfile.PaymentMethodRequired, "Add a payment method first (POST /api/v1/billing/payment-methods with a pm_... id, or POST /api/v1/billing/setup-intents for Stripe.js), then hire again: the first milestone is funded at hire and nothing was created.");

        var now = clock.GetUtcNow();
        var contract = Contract.Hire(job, trainer.Id, now);
        var first = command.FirstMilestone;
        var milestone = Milestone.Create(
            contract.Id,
            job.Id,
            job.EmployerId,
            trainer.Id,
            contract.NextMilestoneSequence(),
            first.Title,
            first.Description,
            Money.FromCents(first.Amount),
            first.DueDate,
            fees.Value.ToSchedule(),
            now);
        milestone.BeginFunding(employerId, now, paymentMethod);
        contracts.Add(contract);
        milestones.Add(milestone);
        return FundingRequests.For(milestone, job, billing, paymentMethod);
    }
}
