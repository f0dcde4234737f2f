using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Application.Payouts.Execution;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.UnitTests.Payouts;

/// <summary>The outcome step of a payout (<see cref="PayoutSteps.RecordOutcomeAsync"/>).</summary>
public sealed class RecordPayoutResultHandlerTests
{
    private const string PayoutNumber = "PAY-2026-000042";

    private readonly FakeTimeProvider _clock = ReleasePayoutFixtures.Clock();
    private readonly IMilestoneRepository _milestones = Substitute.For<IMilestoneRepository>();
    private readonly IRepository<Job, JobId> _jobs = Substitute.For<IRepository<Job, JobId>>();
    private readonly IInvoiceRepository _invoices = Substitute.For<IInvoiceRepository>();
    private readonly IInvoiceNumberSequence _invoiceNumbers = Substitute.For<IInvoiceNumberSequence>();
    private readonly Job _job = ReleasePayoutFixtures.Job();
    private readonly Milestone _milestone;

    public RecordPayoutResultHandlerTests()
    {
        _milestone = ReleasePayoutFixtures.ApprovedMilestone(_job);
        _milestones.FindAsync(_milestone.Id, Arg.Any<CancellationToken>()).Returns(_milestone);
        _jobs.FindAsync(_job.Id, Arg.Any<CancellationToken>()).Returns(_job);
        _invoiceNumbers.NextAsync(InvoiceKind.TrainerPayout, Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns(PayoutNumber);
    }

    // Guards: the configurable retry backoff (1 min, 5 min, 30 min, 2 h, then every 6 h), attempt by attempt.
    [Theory]
    [InlineData(TransferOutcome.Retryable)]
    [InlineData(TransferOutcome.Unknown)]
    public async Task Handle_WhenProviderKeepsAnsweringRetryable_SchedulesAttemptsAlongTheRetrySchedule(TransferOutcome outcome)
    {
        var steps = Steps();
        TimeSpan[] expected =
        [
            TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
            TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(6),
        ];

        for (var attempt = 0; attempt < expected.Length; attempt++)
        {
            var now = _clock.GetUtcNow();
            _milestone.ClaimPayoutAttempt(now, now.AddMinutes(2));

            var status = await steps.RecordOutcomeAsync(_milestone.Id, new TransferResult(outcome, Error: $"rate_limit #{attempt + 1}"), CancellationToken.None);

            Assert.Equal(PayoutStatus.Pending, status);
            Assert.Equal(MilestoneStatus.PayoutPending, _milestone.Status);
            Assert.Equal(PayoutPendingReason.Retrying, _milestone.Payout.Reason);
            Assert.Equal(attempt + 1, _milestone.Payout.Attempts);
            Assert.Equal(now + expected[attempt], _milestone.NextPayoutAttemptAt);
            Assert.Equal($"rate_limit #{attempt + 1}", _milestone.Payout.LastError);
            _clock.Advance(expected[attempt]);
        }

        _invoices.DidNotReceiveWithAnyArgs().Add(default!);
    }

    // Regression (issue 12): a payout that first waited for the trainer's setup retried 5 minutes after its first retryable failure, not 1.
    [Fact]
    public async Task Handle_WhenTheFirstRetryableFailureFollowsSetupDeferrals_WaitsTheSchedulesFirstStep()
    {
        var steps = Steps();
        _milestone.DeferPayout(PayoutPendingReason.PayoutSetupIncomplete, null, "setup unfinished", _clock.GetUtcNow());
        _milestone.DeferPayout(PayoutPendingReason.PayoutSetupIncomplete, null, "setup unfinished", _clock.GetUtcNow());
        _milestone.RetryPayout(_clock.GetUtcNow());
        var now = _clock.GetUtcNow();
        _milestone.ClaimPayoutAttempt(now, now.AddMinutes(2));

        await steps.RecordOutcomeAsync(_milestone.Id, new TransferResult(TransferOutcome.Retryable, Error: "balance_insufficient"), CancellationToken.None);

        Assert.Equal(now + TimeSpan.FromMinutes(1), _milestone.NextPayoutAttemptAt);
    }

    // Guards: the schedule comes from configuration (Payouts:RetrySchedule), not a hard-coded list.
    [Fact]
    public async Task Handle_WhenRetryScheduleConfigured_UsesItAndRepeatsItsLastStep()
    {
        var options = new PayoutOptions();
        options.RetrySchedule.Add(TimeSpan.FromSeconds(10));
        options.RetrySchedule.Add(TimeSpan.FromSeconds(20));
        var steps = Steps(options);

        var delays = new List<TimeSpan>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var now = _clock.GetUtcNow();
            await steps.RecordOutcomeAsync(_milestone.Id, new TransferResult(TransferOutcome.Retryable, Error: "timeout"), CancellationToken.None);
            delays.Add(_milestone.NextPayoutAttemptAt!.Value - now);
            _clock.Advance(delays[^1]);
        }

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20)], delays);
    }

    // Guards: an unfinished payout setup waits for the account, not for the clock.
    [Fact]
    public async Task Handle_WhenDestinationNotReady_DefersForPayoutSetupWithoutNextAttempt()
    {
        var status = await Steps().RecordOutcomeAsync(_milestone.Id, new TransferResult(TransferOutcome.DestinationNotReady, Error: "onboarding unfinished"), CancellationToken.None);

        Assert.Equal(PayoutStatus.Pending, status);
        Assert.Equal(MilestoneStatus.PayoutPending, _milestone.Status);
        Assert.Equal(PayoutPendingReason.PayoutSetupIncomplete, _milestone.Payout.Reason);
        Assert.Null(_milestone.NextPayoutAttemptAt);
        Assert.Equal("onboarding unfinished", _milestone.Payout.LastError);
        var deferred = Assert.IsType<MilestonePayoutDeferred>(Assert.Single(_milestone.DomainEvents));
        Assert.Equal(PayoutPendingReason.PayoutSetupIncomplete, deferred.Reason);
    }

    // Guards: a permanent refusal is parked for an admin, never dropped nor retried by the clock.
    [Fact]
    public async Task Handle_WhenProviderRefusesForGood_ParksThePayout()
    {
        var status = await Steps().RecordOutcomeAsync(_milestone.Id, new TransferResult(TransferOutcome.Failed, Error: "account closed"), CancellationToken.None);

        Assert.Equal(PayoutStatus.Failed, status);
        Assert.Equal(PayoutStatus.Failed, _milestone.Payout.Status);
        Assert.Equal(MilestoneStatus.PayoutPending, _milestone.Status);
        Assert.Null(_milestone.NextPayoutAttemptAt);
        Assert.Equal("account closed", _milestone.Payout.LastError);
        Assert.Null(_milestone.Payout.TransferId);
        Assert.IsType<MilestonePayoutFailed>(Assert.Single(_milestone.DomainEvents));
        _invoices.DidNotReceiveWithAnyArgs().Add(default!);
    }

    // Guards: success marks the milestone paid and issues the trainer's payout invoice with the transfer as reference.
    [Fact]
    public async Task Handle_WhenTransferSucceeded_MarksPaidAndIssuesNumberedPayoutInvoice()
    {
        Invoice? issued = null;
        _invoices.Add(Arg.Do<Invoice>(invoice => issued = invoice));

        var status = await Steps().RecordOutcomeAsync(_milestone.Id, new TransferResult(TransferOutcome.Succeeded, "tr_release_1"), CancellationToken.None);

        Assert.Equal(PayoutStatus.Paid, status);
        Assert.Equal(MilestoneStatus.Paid, _milestone.Status);
        Assert.Equal("tr_release_1", _milestone.Payout.TransferId);
        Assert.Equal(_clock.GetUtcNow(), _milestone.Payout.PaidAt);
        await _invoiceNumbers.Received(1).NextAsync(InvoiceKind.TrainerPayout, 2026, Arg.Any<CancellationToken>());
        Assert.NotNull(issued);
        Assert.Equal(PayoutNumber, issued.Number);
        Assert.Equal(InvoiceKind.TrainerPayout, issued.Kind);
        Assert.Equal(BillingType.MilestonePayout, issued.BillingType);
        Assert.Equal("tr_release_1", issued.PaymentReference);
        Assert.Equal(InvoicePaymentStatus.Paid, issued.PaymentStatus);
        Assert.Equal(Money.FromCents(ReleasePayoutFixtures.AmountCents), issued.Total);
        Assert.Equal(_milestone.Id, issued.MilestoneId);
        Assert.Equal(ReleasePayoutFixtures.Trainer, issued.TrainerId);
        Assert.Equal(_job.Title, issued.ProjectName);
        Assert.Equal(_milestone.Description, issued.Description);
    }

    // Guards: the record step is safe to repeat — a paid milestone changes no more, whatever is reported.
    [Theory]
    [InlineData(TransferOutcome.Succeeded)]
    [InlineData(TransferOutcome.Retryable)]
    [InlineData(TransferOutcome.Failed)]
    [InlineData(TransferOutcome.DestinationNotReady)]
    public async Task Handle_WhenMilestoneAlreadyPaid_ChangesNothing(TransferOutcome repeat)
    {
        var steps = Steps();
        await steps.RecordOutcomeAsync(_milestone.Id, new TransferResult(TransferOutcome.Succeeded, "tr_release_1"), CancellationToken.None);
        _milestone.ClearDomainEvents();
        var paidAt = _milestone.Payout.PaidAt;
        var attempts = _milestone.Payout.Attempts;
        var timeline = _milestone.Timeline.Count;
        _clock.Advance(TimeSpan.FromMinutes(10));

        var status = await steps.RecordOutcomeAsync(_milestone.Id, new TransferResult(repeat, "tr_release_2", "again"), CancellationToken.None);

        Assert.Equal(PayoutStatus.Paid, status);
        Assert.Equal(MilestoneStatus.Paid, _milestone.Status);
        Assert.Equal("tr_release_1", _milestone.Payout.TransferId);
        Assert.Equal(paidAt, _milestone.Payout.PaidAt);
        Assert.Equal(attempts, _milestone.Payout.Attempts);
        Assert.Equal(timeline, _milestone.Timeline.Count);
        Assert.Empty(_milestone.DomainEvents);
        _invoices.ReceivedWithAnyArgs(1).Add(default!);
        await _invoiceNumbers.ReceivedWithAnyArgs(1).NextAsync(default, default, default);
    }

    private PayoutSteps Steps(PayoutOptions? options = null) => new(
        _milestones,
        Substitute.For<IRepository<OpenTrain.Clean.Domain.Payouts.TrainerPayoutAccount, UserId>>(),
        new InvoiceIssuer(_invoices, _invoiceNumbers, _jobs, Substitute.For<IReadStore>()),
        Substitute.For<IPaymentGateway>(),
        Options.Create(options ?? new PayoutOptions()),
        _clock,
        NullLogger<PayoutSteps>.Instance);
}
