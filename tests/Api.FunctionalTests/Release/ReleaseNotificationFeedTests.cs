using System.Net;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Release;

public sealed class ReleaseNotificationFeedTests(ReleaseHost factory) : IClassFixture<ReleaseHost>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    // Guards: the feed lists unread first (then newest first) and marking read moves an entry behind the unread ones.
    [Fact]
    public async Task ListNotifications_WhenOneIsMarkedRead_ListsUnreadFirstAndCountsOnlyUnread()
    {
        var (trainer, _) = await TrainerWithThreeNotificationsAsync();
        var before = await _api.GetJsonAsync("/api/v1/notifications", trainer);
        Assert.Equal(3, before.GetProperty("unreadCount").GetInt32());
        Assert.Equal(
            ["Finish your payout setup", "Milestone approved", "Milestone funded"],
            Titles(before));
        var newest = before.GetProperty("data")[0].GetProperty("id").GetGuid();

        var read = await _api.PostJsonAsync($"/api/v1/notifications/{newest}/read", trainer);

        Assert.Equal(JsonValueKind.String, read.GetProperty("readAt").ValueKind);
        var after = await _api.GetJsonAsync("/api/v1/notifications", trainer);
        Assert.Equal(2, after.GetProperty("unreadCount").GetInt32());
        Assert.Equal(["Milestone approved", "Milestone funded", "Finish your payout setup"], Titles(after));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("data")[0].GetProperty("readAt").ValueKind);
        Assert.Equal(JsonValueKind.String, after.GetProperty("data")[2].GetProperty("readAt").ValueKind);
        var unreadOnly = await _api.GetJsonAsync("/api/v1/notifications?unreadOnly=true", trainer);
        Assert.Equal(["Milestone approved", "Milestone funded"], Titles(unreadOnly));
    }

    // Guards: marking read is idempotent (the first read time stays) and only the recipient may do it.
    [Fact]
    public async Task MarkRead_WhenRepeatedOrBySomebodyElse_KeepsFirstReadTimeAndAnswers404ToOthers()
    {
        var (trainer, employer) = await TrainerWithThreeNotificationsAsync();
        var feed = await _api.GetJsonAsync("/api/v1/notifications", trainer);
        var id = feed.GetProperty("data")[0].GetProperty("id").GetGuid();
        var first = await _api.PostJsonAsync($"/api/v1/notifications/{id}/read", trainer);
        factory.Clock.Advance(TimeSpan.FromMinutes(5));

        var again = await _api.PostJsonAsync($"/api/v1/notifications/{id}/read", trainer);
        var stranger = await _api.SendAsync(HttpMethod.Post, $"/api/v1/notifications/{id}/read", employer, new { });

        Assert.Equal(first.GetProperty("readAt").GetDateTimeOffset(), again.GetProperty("readAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
    }

    /// <summary>Funded (at hire), approved, then waiting for payout setup: three entries, delivered in that order.</summary>
    private async Task<(Actor Trainer, Actor Employer)> TrainerWithThreeNotificationsAsync()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.SignInAsync("trainer");
        var hire = await _api.HireOnNewJobAsync(employer, trainer);
        await factory.DrainOutboxAsync();
        await _api.PostJsonAsync($"/api/v1/milestones/{hire.MilestoneId}/approve", employer);
        await factory.DrainOutboxAsync();
        await factory.RunPayoutJobAsync();
        await factory.DrainOutboxAsync();
        return (trainer, employer);
    }

    private static List<string?> Titles(JsonElement feed) =>
        feed.GetProperty("data").EnumerateArray().Select(n => n.GetProperty("title").GetString()).ToList();
}
