using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Application.Payouts.Execution;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Application.UnitTests.Payouts;

/// <summary>The claim step of a payout (<see cref="PayoutSteps.ClaimAsync"/>).</summary>
public sealed class ClaimPayoutHandlerTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(7);

    private readonly FakeTimeProvider _clock = ReleasePayoutFixtures.Clock();
    private readonly IMilestoneRepository _milestones = Substitute.For<IMilestoneRepository>();
    private readonly IRepository<TrainerPayoutAccount, UserId> _accounts = Substitute.For<IRepository<TrainerPayoutAccount, UserId>>();
    private readonly Milestone _milestone = ReleasePayoutFixtures.ApprovedMilestone(ReleasePayoutFixtures.Job());

    public ClaimPayoutHandlerTests()
    {
        _milestones.FindAsync(_milestone.Id, Arg.Any<CancellationToken>()).Returns(_milestone);
    }

    // Guards: only a due payout is taken (a deferred one waits for its time).
    [Fact]
    public async Task Handle_WhenPayoutNotDueYet_ReturnsNullAndChangesNothing()
    {
        _milestone.DeferPayout(PayoutPendingReason.Retrying, _clock.GetUtcNow().AddMinutes(5), "rate_limit", _clock.GetUtcNow());
        _milestone.ClearDomainEvents();
        _accounts.FindAsync(ReleasePayoutFixtures.Trainer, Arg.Any<CancellationToken>()).Returns(ReleasePayoutFixtures.EnabledAccount());
        _clock.Advance(TimeSpan.FromMinutes(4));

        var instruction = await Steps().ClaimAsync(_milestone.Id, CancellationToken.None);

        Assert.Null(instruction);
        Assert.Equal(ReleasePayoutFixtures.Start.AddMinutes(5), _milestone.NextPayoutAttemptAt);
        Assert.Equal(PayoutPendingReason.Retrying, _milestone.Payout.Reason);
        Assert.Empty(_milestone.DomainEvents);
    }

    // Guards: the claim lease — a payout another worker holds is not due for anybody else.
    [Fact]
    public async Task Handle_WhenAnotherWorkerHoldsTheClaim_ReturnsNullUntilTheLeaseEnds()
    {
        _accounts.FindAsync(ReleasePayoutFixtures.Trainer, Arg.Any<CancellationToken>()).Returns(ReleasePayoutFixtures.EnabledAccount());
        var steps = Steps();
        Assert.NotNull(await steps.ClaimAsync(_milestone.Id, CancellationToken.None));

        _clock.Advance(Lease - TimeSpan.FromSeconds(1));
        var whileLeased = await steps.ClaimAsync(_milestone.Id, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var afterLease = await steps.ClaimAsync(_milestone.Id, CancellationToken.None);

        Assert.Null(whileLeased);
        Assert.NotNull(afterLease);
        Assert.Equal($"payout-{_milestone.Id.Value:N}", afterLease.Request.IdempotencyKey);
    }

    // Guards: a missing or unknown milestone is nothing to send.
    [Fact]
    public async Task Handle_WhenMilestoneUnknown_ReturnsNull()
    {
        var instruction = await Steps().ClaimAsync(new MilestoneId(Guid.CreateVersion7()), CancellationToken.None);

        Assert.Null(instruction);
    }

    // Guards: no payout account -> the payout waits with reason payout_setup_incomplete, and no provider call is prepared.
    [Fact]
    public async Task Handle_WhenTrainerHasNoPayoutAccount_DefersForPayoutSetupWithoutNextAttempt()
    {
        var instruction = await Steps().ClaimAsync(_milestone.Id, CancellationToken.None);

        AssertDeferredForSetup(instruction);
    }

    // Guards: an account still onboarding cannot receive transfers either.
    [Fact]
    public async Task Handle_WhenPayoutAccountStillOnboarding_DefersForPayoutSetupWithoutNextAttempt()
    {
        _accounts.FindAsync(ReleasePayoutFixtures.Trainer, Arg.Any<CancellationToken>()).Returns(ReleasePayoutFixtures.OnboardingAccount());

        var instruction = await Steps().ClaimAsync(_milestone.Id, CancellationToken.None);

        AssertDeferredForSetup(instruction);
    }

    // Guards: at most one transfer per milestone (key payout-{id:N}), paid from the funding charge, grouped by milestone, for the milestone amount only.
    [Fact]
    public async Task Handle_WhenAccountEnabled_ClaimsWithLeaseAndBuildsIdempotentTransferRequest()
    {
        _accounts.FindAsync(ReleasePayoutFixtures.Trainer, Arg.Any<CancellationToken>()).Returns(ReleasePayoutFixtures.EnabledAccount());

        var instruction = await Steps().ClaimAsync(_milestone.Id, CancellationToken.None);

        Assert.NotNull(instruction);
        Assert.Equal(_milestone.Id, instruction.MilestoneId);
        Assert.Equal(ReleasePayoutFixtures.Start + Lease, _milestone.NextPayoutAttemptAt);
        Assert.Equal(PayoutStatus.Pending, _milestone.Payout.Status);
        var request = instruction.Request;
        Assert.Equal($"payout-{_milestone.Id.Value:N}", request.IdempotencyKey);
        Assert.Equal(ReleasePayoutFixtures.ChargeId, request.SourceChargeId);
        Assert.Equal(_milestone.Funding.ChargeId, request.SourceChargeId);
        Assert.Equal(_milestone.Id.Value.ToString(), request.TransferGroup);
        Assert.Equal(ReleasePayoutFixtures.ConnectedAccountId, request.ConnectedAccountId);
        Assert.Equal(Money.FromCents(ReleasePayoutFixtures.AmountCents), request.Amount);
        Assert.Equal(_milestone.Id.Value.ToString(), request.Metadata["milestone_id"]);
        Assert.Equal(ReleasePayoutFixtures.Trainer.Value.ToString(), request.Metadata["trainer_id"]);
        Assert.Empty(_milestone.DomainEvents);
    }

    private void AssertDeferredForSetup(PayoutInstruction? instruction)
    {
        Assert.Null(instruction);
        Assert.Equal(MilestoneStatus.PayoutPending, _milestone.Status);
        Assert.Equal(PayoutStatus.Pending, _milestone.Payout.Status);
        Assert.Equal(PayoutPendingReason.PayoutSetupIncomplete, _milestone.Payout.Reason);
        Assert.Null(_milestone.NextPayoutAttemptAt);
        var deferred = Assert.IsType<MilestonePayoutDeferred>(Assert.Single(_milestone.DomainEvents));
        Assert.Equal(PayoutPendingReason.PayoutSetupIncomplete, deferred.Reason);
        Assert.Equal(ReleasePayoutFixtures.Trainer, deferred.TrainerId);
    }

    private PayoutSteps Steps() => new(
        _milestones,
        _accounts,
        new InvoiceIssuer(Substitute.For<IInvoiceRepository>(), Substitute.For<IInvoiceNumberSequence>(), Substitute.For<IRepository<Domain.Jobs.Job, JobId>>(), Substitute.For<IReadStore>()),
        Substitute.For<IPaymentGateway>(),
        Options.Create(new PayoutOptions { ClaimLease = Lease }),
        _clock,
        NullLogger<PayoutSteps>.Instance);
}
