using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests;

/// <summary>A job, its contract and the contract's milestones, built through the domain's own methods.</summary>
internal sealed class Hire
{
    public Hire(DateTimeOffset at, UserId? employer = null, string title = "Preference data for a coding model")
    {
        Job = Job.Create(employer ?? Parties.Employer, title, "Pairs for RLHF", at);
        Contract = Contract.Hire(Job, Parties.Trainer, at);
    }

    public Job Job { get; }

    public Contract Contract { get; }

    public List<Milestone> Milestones { get; } = [];

    public Milestone AddMilestone(DateTimeOffset at, long cents = 50_000, string description = "First 1,000 preference pairs")
    {
        var milestone = Milestone.Create(
            Contract.Id, Job.Id, Job.EmployerId, Parties.Trainer, Contract.NextMilestoneSequence(),
            $"Batch {Milestones.Count + 1}", description, Money.FromCents(cents), new DateOnly(2026, 12, 15), FeeSchedule.Default, at);
        Milestones.Add(milestone);
        return milestone;
    }

    /// <summary>Adds everything to <paramref name="db"/> (not saved).</summary>
    public Hire AddTo(AppDbContext db)
    {
        db.Add(Job);
        db.Add(Contract);
        db.AddRange(Milestones);
        return this;
    }

    public static void Fund(Milestone milestone, DateTimeOffset at)
    {
        var attempt = milestone.BeginFunding(milestone.EmployerId, at);
        milestone.MarkFunded(attempt.Number, $"pi_{attempt.Number}", $"ch_{attempt.Number}", at);
    }

    public static EmployerBillingProfile FundingReadyProfile(UserId employer, DateTimeOffset at)
    {
        var profile = EmployerBillingProfile.Open(employer, at);
        profile.LinkCustomer($"cus_{employer.Value:N}");
        profile.SetDefaultPaymentMethod(new PaymentMethodSummary("pm_card_visa", PaymentMethodType.Card, "visa", "4242"), at);
        return profile;
    }
}
