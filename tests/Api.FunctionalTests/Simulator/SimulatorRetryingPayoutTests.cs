using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Simulator;

/// <summary>
/// A payout of N.77 finds the simulated platform balance short once (<c>balance_insufficient</c>): it retries with a
/// visible reason, the trainer is told when, and it is paid on the schedule's first step.
/// </summary>
public sealed class SimulatorRetryingPayoutTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly SimulatorWalk _walk = new(factory);

    [Fact]
    public async Task Payout_WhenTheBalanceIsShortOnce_RetriesWithAVisibleReasonThenIsPaid()
    {
        var (trainer, _) = await _walk.PayoutReadyTrainerAsync();
        var employer = await _walk.EmployerAsync();
        var hire = await _walk.HireAsync(employer, trainer, amount: 100_077);
        await _walk.SubmitAndApproveAsync(employer, trainer, hire.MilestoneId);

        await _walk.RunJobsAsync();

        var retrying = await _walk.MilestoneAsync(trainer, hire.MilestoneId);
        Assert.Equal("payout_pending", retrying.Str("status"));
        Assert.Equal("retrying", retrying.Str("payout.reason"));
        var admin = await _walk.SignInAsync("admin", "Sam Support");
        var listed = Assert.Single((await _walk.GetAsync(admin, $"/api/v1/ops/payouts?reason=retrying&trainerId={trainer.Id}")).EnumerateArray());
        Assert.Equal(hire.MilestoneId, listed.Id("milestoneId"));
        Assert.Contains("balance_insufficient", listed.Str("lastError"), StringComparison.Ordinal);
        var nextAttempt = listed.Get("nextAttemptAt").GetDateTimeOffset();
        Assert.Equal(factory.Clock.GetUtcNow().AddMinutes(1), nextAttempt);
        var notice = Assert.Single(await _walk.NotificationsAsync(trainer), n => n.Str("kind") == "payout_retrying");
        Assert.Contains($"{nextAttempt.UtcDateTime:yyyy-MM-dd HH:mm} UTC", notice.Str("body"), StringComparison.Ordinal);

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await _walk.RunJobsAsync();

        Assert.Equal("paid", (await _walk.MilestoneAsync(trainer, hire.MilestoneId)).Str("status"));
        Assert.Empty((await _walk.GetAsync(admin, $"/api/v1/ops/payouts?trainerId={trainer.Id}")).EnumerateArray());
    }
}

/// <summary>Payouts on the simulator that need no clock: the amount the trainer is told, a capability that is not active yet.</summary>
public sealed class SimulatorPayoutTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly SimulatorWalk _walk = new(factory);

    // Regression (issue 12): the trainer's "Payout sent" read 0.00: the amount was lost on the way through the outbox.
    [Fact]
    public async Task PayoutSent_Notification_ReadsTheAmountPaid()
    {
        var (trainer, _) = await _walk.PayoutReadyTrainerAsync();
        var employer = await _walk.EmployerAsync();
        var hire = await _walk.HireAsync(employer, trainer, amount: 123_450);
        await _walk.SubmitAndApproveAsync(employer, trainer, hire.MilestoneId);

        await _walk.RunJobsAsync();

        var sent = Assert.Single(await _walk.NotificationsAsync(trainer), n => n.Str("kind") == "payout_sent");
        Assert.StartsWith("1234.50 USD for", sent.Str("body"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payout_WhenTheTransfersCapabilityIsNotActive_WaitsForSetupAndIsListedWithThatReason()
    {
        var (trainer, accountId) = await _walk.PayoutReadyTrainerAsync(transfersActive: false);
        var employer = await _walk.EmployerAsync();
        var hire = await _walk.HireAsync(employer, trainer);
        await _walk.SubmitAndApproveAsync(employer, trainer, hire.MilestoneId);

        await _walk.RunJobsAsync();

        Assert.Equal("payout_setup_incomplete", (await _walk.MilestoneAsync(trainer, hire.MilestoneId)).Str("payout.reason"));
        var admin = await _walk.SignInAsync("admin", "Sam Support");
        Assert.Single((await _walk.GetAsync(admin, $"/api/v1/ops/payouts?reason=payout_setup_incomplete&trainerId={trainer.Id}")).EnumerateArray());

        Assert.Equal(HttpStatusCode.OK, (await _walk.Api.PostAsync($"/simulator/onboarding/{accountId}/complete", null)).StatusCode);
        await _walk.RunJobsAsync();

        Assert.Equal("paid", (await _walk.MilestoneAsync(trainer, hire.MilestoneId)).Str("status"));
    }
}
