using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Application.UnitTests.Payouts;

/// <summary>Parties, instants and aggregates for the payout use cases, reached through legal moves only.</summary>
internal static class ReleasePayoutFixtures
{
    public const long AmountCents = 50_000;

    public const string ChargeId = "ch_release_1";

    public const string ConnectedAccountId = "acct_release_1";

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static UserId Employer { get; } = new(new Guid("00000000-0000-0000-0000-00000000e001"));

    public static UserId Trainer { get; } = new(new Guid("00000000-0000-0000-0000-00000000f001"));

    public static FakeTimeProvider Clock() => new(Start);

    public static Job Job() => Domain.Jobs.Job.Create(Employer, "RLHF preference labelling", null, Start);

    /// <summary>A milestone funded with <see cref="ChargeId"/> and approved at <see cref="Start"/>: payout due now.</summary>
    public static Milestone ApprovedMilestone(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var milestone = Milestone.Create(
            new ContractId(Guid.CreateVersion7()),
            job.Id,
            Employer,
            Trainer,
            1,
            "Batch 1",
            "First 1,000 preference pairs",
            Money.FromCents(AmountCents),
            null,
            FeeSchedule.Default,
            Start.AddDays(-3));
        var attempt = milestone.BeginFunding(Employer, Start.AddDays(-3));
        milestone.MarkFunded(attempt.Number, "pi_release_1", ChargeId, Start.AddDays(-3));
        milestone.Submit(Trainer, "Delivered", Start.AddDays(-1));
        milestone.Approve(Employer, Start);
        milestone.ClearDomainEvents();
        return milestone;
    }

    public static TrainerPayoutAccount EnabledAccount()
    {
        var account = TrainerPayoutAccount.Start(Trainer, "US", ConnectedAccountId, Start.AddDays(-10));
        account.ApplyProviderStatus(payoutsEnabled: true, transfersActive: true, [], detailsSubmitted: true, Start.AddDays(-10));
        return account;
    }

    public static TrainerPayoutAccount OnboardingAccount() =>
        TrainerPayoutAccount.Start(Trainer, "US", ConnectedAccountId, Start.AddDays(-10));
}
