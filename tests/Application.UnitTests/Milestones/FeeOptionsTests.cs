using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.AddMilestone;
using OpenTrain.Clean.Application.Milestones.UpdateMilestone;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.UnitTests.Milestones;

/// <summary>Every handler that prices a milestone takes the fee model from <see cref="FeeOptions"/>, not a constant.</summary>
public sealed class FeeOptionsTests
{
    private static readonly FeeOptions Configured = new() { MarketplaceFeeRate = 0.05m, ContractInitiationFeeCents = 1_500 };
    private readonly FakeTimeProvider _clock = new(Moments.Now);
    private readonly Escrow _escrow = new(Moments.Now);

    [Fact]
    public async Task AddMilestone_WhenFeesAreConfigured_QuotesALaterMilestoneWithTheRateAndNoInitiationFee()
    {
        var milestones = Repositories.Milestones();
        Milestone? added = null;
        milestones.When(r => r.Add(Arg.Any<Milestone>())).Do(call => added = call.Arg<Milestone>());
        var handler = new AddMilestoneHandler(
            Repositories.Of<Contract, ContractId>(_escrow.Contract),
            Repositories.Of<Job, JobId>(_escrow.Job),
            milestones,
            Options.Create(Configured),
            Callers.Signed(Parties.Employer),
            _clock);

        var response = await handler.Handle(new AddMilestoneCommand(_escrow.Contract.Id.Value, "Second batch", 20_000), CancellationToken.None);

        Assert.NotNull(added);
        Assert.Equal(2, added.Sequence);
        Assert.Equal(Money.FromCents(1_000), added.MarketplaceFee);
        Assert.Equal(Money.Zero(), added.ContractInitiationFee);
        Assert.Equal(21_000, response.Fees.EmployerTotal);
    }

    [Fact]
    public async Task UpdateMilestone_WhenTheAmountChanges_RequotesWithTheConfiguredFees()
    {
        var handler = new UpdateMilestoneHandler(Repositories.Milestones(_escrow.Milestone), Options.Create(Configured), Callers.Signed(Parties.Employer), _clock);

        var response = await handler.Handle(new UpdateMilestoneCommand(_escrow.Milestone.Id.Value, null, null, 30_000, null), CancellationToken.None);

        Assert.Equal(Money.FromCents(1_500), _escrow.Milestone.MarketplaceFee);
        Assert.Equal(Money.FromCents(1_500), _escrow.Milestone.ContractInitiationFee);
        Assert.Equal(30_000 + 1_500 + 1_500, response.Fees.EmployerTotal);
    }
}
