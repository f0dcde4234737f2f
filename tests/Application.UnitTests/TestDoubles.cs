using NSubstitute;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.UnitTests;

/// <summary>A signed-in caller, as the handlers see it.</summary>
internal static class Callers
{
    public static ICurrentUser Signed(UserId id, UserRole role = UserRole.Employer)
    {
        var user = Substitute.For<ICurrentUser>();
        user.Id.Returns(id);
        user.Role.Returns(role);
        return user;
    }
}

/// <summary>Runs each unit of work at once and counts the transactions it would commit.</summary>
internal sealed class InlineUnitOfWork : IUnitOfWork
{
    public int Commits { get; private set; }

    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var result = await work(cancellationToken);
        Commits++;
        return result;
    }
}

/// <summary>Repository substitutes that find what they were given, by id.</summary>
internal static class Repositories
{
    public static IRepository<T, TId> Of<T, TId>(params T[] items)
        where T : AggregateRoot<TId>
        where TId : struct
    {
        var repository = Substitute.For<IRepository<T, TId>>();
        Serve<T, TId>(repository, items);
        return repository;
    }

    public static IMilestoneRepository Milestones(params Milestone[] items)
    {
        var repository = Substitute.For<IMilestoneRepository>();
        Serve<Milestone, MilestoneId>(repository, items);
        return repository;
    }

    public static void Serve<T, TId>(IRepository<T, TId> repository, params T[] items)
        where T : AggregateRoot<TId>
        where TId : struct =>
        repository.FindAsync(Arg.Any<TId>(), Arg.Any<CancellationToken>())
            .Returns(call => ValueTask.FromResult(items.FirstOrDefault(item => item.Id.Equals(call.Arg<TId>()))));
}

/// <summary>A job, its contract with one trainer, the contract's first milestone and a funding-ready employer.</summary>
internal sealed class Escrow
{
    public const long MilestoneCents = 50_000;

    public Escrow(DateTimeOffset at, FeeSchedule? fees = null)
    {
        Job = Job.Create(Parties.Employer, "Preference data for a coding model", null, at);
        Contract = Contract.Hire(Job, Parties.Trainer, at);
        Milestone = Milestone.Create(
            Contract.Id,
            Job.Id,
            Parties.Employer,
            Parties.Trainer,
            Contract.NextMilestoneSequence(),
            "Batch 1",
            "First 1,000 preference pairs",
            Money.FromCents(MilestoneCents),
            null,
            fees ?? FeeSchedule.Default,
            at);
        Billing = FundingReadyProfile(Parties.Employer, at);
    }

    public Job Job { get; }

    public Contract Contract { get; }

    public Milestone Milestone { get; }

    public EmployerBillingProfile Billing { get; }

    public static EmployerBillingProfile FundingReadyProfile(UserId employer, DateTimeOffset at, string paymentMethodId = "pm_card_visa")
    {
        var profile = EmployerBillingProfile.Open(employer, at);
        profile.LinkCustomer("cus_test_1");
        profile.SetDefaultPaymentMethod(new PaymentMethodSummary(paymentMethodId, PaymentMethodType.Card, "visa", "4242"), at);
        return profile;
    }
}
