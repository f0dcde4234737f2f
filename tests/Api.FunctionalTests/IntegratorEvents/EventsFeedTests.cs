using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Infrastructure.IntegratorEvents;

namespace OpenTrain.Clean.Api.FunctionalTests.IntegratorEvents;

/// <summary>GET /api/v1/events: the caller's own events, a cursor that misses nothing, a type filter, 30 days.</summary>
public sealed class EventsFeedTests(IntegratorEventsHost host) : IClassFixture<IntegratorEventsHost>
{
    private readonly ApiClient _api = host.CreateApiClient();

    [Fact]
    public async Task Feed_AfterAHire_ListsEachPartyItsOwnEventsOldestFirstAndNothingOfOthers()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        var stranger = await _api.EmployerAsync();
        var hire = await _api.HireOnNewJobAsync(employer, trainer);
        await host.DeliverAsync();

        var employerFeed = await _api.FeedAsync(employer);
        var trainerFeed = await _api.FeedAsync(trainer);

        Assert.Equal(
            ["contract.created", "milestone.created", "milestone.funding_started", "milestone.funded", "invoice.issued", "invoice.payment_status_changed"],
            employerFeed.Select(e => e.Str("type")));
        Assert.Equal(["contract.created", "milestone.created", "milestone.funding_started", "milestone.funded"], trainerFeed.Select(e => e.Str("type")));
        Assert.Empty(await _api.FeedAsync(stranger));
        Assert.All(employerFeed.Concat(trainerFeed), e => Assert.Equal(("event", "v1"), (e.Str("object"), e.Str("apiVersion"))));
        var milestoneEvents = employerFeed.Where(e => e.Str("resource.type") == "milestone").ToList();
        Assert.All(milestoneEvents, e => Assert.Equal(hire.MilestoneId, e.Id("resource.id")));
        Assert.Equal(milestoneEvents.Select(e => e.Long("resource.sequence")).Order(), milestoneEvents.Select(e => e.Long("resource.sequence")));
        Assert.DoesNotContain(employerFeed.Select(e => e.Id()), trainerFeed.Select(e => e.Id()).Contains);
    }

    [Fact]
    public async Task Feed_WithTypesAndACursor_ReturnsOnlyThoseTypesAfterTheCursor()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        await _api.HireOnNewJobAsync(employer, trainer);
        await _api.HireOnNewJobAsync(employer, trainer);
        await host.DeliverAsync();
        var all = await _api.FeedAsync(employer);

        var funded = await _api.FeedAsync(employer, "&types=milestone.funded,contract.created");
        var after = (await _api.GetJsonAsync($"/api/v1/events?startingAfter={all[5].Id()}&limit=100", employer)).Items();
        var repeated = (await _api.GetJsonAsync("/api/v1/events?types=invoice.issued&types=contract.created&limit=100", employer)).Items();

        Assert.Equal(12, all.Count);
        Assert.Equal(all.Where(e => e.Str("type") is "milestone.funded" or "contract.created").Select(e => e.Id()), funded.Select(e => e.Id()));
        Assert.Equal(all.Skip(6).Select(e => e.Id()), after.Select(e => e.Id()));
        Assert.Equal(4, repeated.Count);
    }

    [Fact]
    public async Task Feed_WithAnUnknownTypeOrCursorOrLimit_AnswersAProblemNamingIt()
    {
        var employer = await _api.EmployerAsync();

        await Expect.ProblemAsync(await _api.GetAsync("/api/v1/events?types=milestone.exploded", employer), HttpStatusCode.BadRequest, "validation_failed", "types");
        await Expect.ProblemAsync(await _api.GetAsync($"/api/v1/events?startingAfter={Guid.NewGuid()}", employer), HttpStatusCode.UnprocessableEntity, "event_not_found", "startingAfter");
        await Expect.ProblemAsync(await _api.GetAsync("/api/v1/events?limit=0", employer), HttpStatusCode.BadRequest, "validation_failed", "limit");
        await Expect.ProblemAsync(await _api.GetAsync("/api/v1/events?startingAfter=yesterday", employer), HttpStatusCode.BadRequest, "malformed_request", "startingAfter");
    }

    [Fact]
    public async Task Feed_WhenAnotherPartysEventIdIsTheCursor_RefusesIt()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.TrainerAsync();
        await _api.HireOnNewJobAsync(employer, trainer);
        await host.DeliverAsync();
        var theirs = (await _api.FeedAsync(trainer))[0].Id();

        await Expect.ProblemAsync(await _api.GetAsync($"/api/v1/events?startingAfter={theirs}", employer), HttpStatusCode.UnprocessableEntity, "event_not_found", "startingAfter");
    }

    [Fact]
    public async Task Feed_AfterThirtyDays_NoLongerListsTheEventsAndTheCleanUpForgetsThem()
    {
        var employer = await _api.EmployerAsync();
        await _api.HireOnNewJobAsync(employer, await _api.TrainerAsync());
        await host.DeliverAsync();
        Assert.NotEmpty(await _api.FeedAsync(employer));

        host.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        employer = await _api.RefreshedAsync(employer);

        Assert.Empty(await _api.FeedAsync(employer));
        Assert.True(await host.Services.GetRequiredService<IntegratorEventRetention>().PurgeExpiredAsync(CancellationToken.None) >= 5);
        Assert.Equal(0, await host.QueryAsync(db => Task.FromResult(db.Set<Domain.IntegratorEvents.IntegratorEvent>().Count(e => e.CreatedAt < host.Clock.GetUtcNow().AddDays(-30)))));
    }
}
