using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;

namespace OpenTrain.Clean.Api.FunctionalTests.Release;

public sealed class ReleasePayoutSetupTests(ReleaseHost factory) : IClassFixture<ReleaseHost>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    // Guards: no payout setup -> payout_pending with visible reason payout_setup_incomplete, a prompt, and no retry by the clock.
    [Fact]
    public async Task PayoutJob_WhenTrainerHasNoPayoutSetup_KeepsPayoutPendingWithReasonAndPromptsTrainer()
    {
        var (employer, trainer, milestoneId) = await ApprovedWithoutPayoutSetupAsync();

        var milestone = await _api.MilestoneAsync(milestoneId, employer);
        Assert.Equal("payout_pending", milestone.GetProperty("status").GetString());
        var payout = milestone.GetProperty("payout");
        Assert.Equal("pending", payout.GetProperty("status").GetString());
        Assert.Equal("payout_setup_incomplete", payout.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, payout.GetProperty("nextAttemptAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, payout.GetProperty("transferId").ValueKind);
        Assert.Empty(TransfersOf(milestoneId));

        var feed = await _api.GetJsonAsync("/api/v1/notifications", trainer);
        var prompt = Assert.Single(feed.GetProperty("data").EnumerateArray(), n => n.GetProperty("title").GetString() == "Finish your payout setup");
        Assert.Equal("payout_waiting_for_setup", prompt.GetProperty("kind").GetString());
        Assert.Equal(milestoneId, prompt.GetProperty("milestoneId").GetGuid());

        var account = await _api.GetJsonAsync("/api/v1/payouts/account", trainer);
        Assert.Equal("not_started", account.GetProperty("status").GetString());
        Assert.Equal(1, account.GetProperty("pendingPayouts").GetInt32());

        factory.Clock.Advance(TimeSpan.FromHours(1));
        await factory.RunPayoutJobAsync();
        await factory.DrainOutboxAsync();

        var later = await _api.MilestoneAsync(milestoneId, employer);
        Assert.Equal("payout_setup_incomplete", later.GetProperty("payout").GetProperty("reason").GetString());
        Assert.Equal(payout.GetProperty("attempts").GetInt32(), later.GetProperty("payout").GetProperty("attempts").GetInt32());
        Assert.Single((await _api.GetJsonAsync("/api/v1/notifications", trainer)).GetProperty("data").EnumerateArray(),
            n => n.GetProperty("title").GetString() == "Finish your payout setup");
    }

    // Guards: finishing onboarding wakes the waiting payout (PayoutAccountEnabled via the outbox): paid on the next run, one transfer.
    [Fact]
    public async Task CompleteOnboarding_WhenPayoutWaitsForSetup_PaysOnTheNextPayoutJobRun()
    {
        var (employer, trainer, milestoneId) = await ApprovedWithoutPayoutSetupAsync();

        var (accountId, link) = await _api.StartPayoutSetupAsync(trainer, "US");
        var onboarding = await _api.GetJsonAsync("/api/v1/payouts/account", trainer);
        Assert.Equal("onboarding", onboarding.GetProperty("status").GetString());
        Assert.NotEmpty(onboarding.GetProperty("requirementsDue").EnumerateArray());
        await factory.DrainOutboxAsync();
        await factory.RunPayoutJobAsync();
        Assert.Empty(TransfersOf(milestoneId));

        await _api.CompleteOnboardingOnSimulatorPageAsync(link);
        var enabled = await _api.GetJsonAsync("/api/v1/payouts/account", trainer);
        Assert.Equal("enabled", enabled.GetProperty("status").GetString());
        Assert.True(enabled.GetProperty("payoutsEnabled").GetBoolean());
        await factory.DrainOutboxAsync();
        await factory.RunPayoutJobAsync();

        var milestone = await _api.MilestoneAsync(milestoneId, employer);
        var transfer = Assert.Single(TransfersOf(milestoneId));
        Assert.Equal("paid", milestone.GetProperty("status").GetString());
        Assert.Equal(transfer.Id, milestone.GetProperty("payout").GetProperty("transferId").GetString());
        Assert.Equal(accountId, transfer.Destination);
    }

    private async Task<(Actor Employer, Actor Trainer, Guid MilestoneId)> ApprovedWithoutPayoutSetupAsync()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.SignInAsync("trainer");
        var (hire, _) = await _api.HireAndApproveAsync(employer, trainer);
        await factory.DrainOutboxAsync();
        await factory.RunPayoutJobAsync();
        await factory.DrainOutboxAsync();
        return (employer, trainer, hire.MilestoneId);
    }

    private List<SimTransfer> TransfersOf(Guid milestoneId) =>
        factory.Simulator.Transfers().Where(t => t.TransferGroup == milestoneId.ToString()).ToList();
}
