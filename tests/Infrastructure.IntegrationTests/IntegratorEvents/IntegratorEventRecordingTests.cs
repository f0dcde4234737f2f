using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.IntegratorEvents;

/// <summary>The interceptor writes integrator events with the change that raised them, never without it.</summary>
public sealed class IntegratorEventRecordingTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly FakeTimeProvider _clock = new(Moments.Now.AddMinutes(30));

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task SaveChanges_WhenAHireIsSaved_WritesEachPartyItsEventsWithTheResourceAsSaved()
    {
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        Hire.Fund(milestone, Moments.Now.AddMinutes(1));

        await using (var db = _database.NewContext(_clock))
        {
            hire.AddTo(db);
            await db.SaveChangesAsync();
        }

        await using var check = _database.NewContext();
        var events = await check.Set<IntegratorEvent>().AsNoTracking().ToListAsync();
        Assert.Equal(
            ["contract.created", "milestone.created", "milestone.funded", "milestone.funding_started"],
            events.Where(e => e.RecipientId == Parties.Employer).Select(e => e.Type).Order(StringComparer.Ordinal));
        Assert.Equal(
            events.Where(e => e.RecipientId == Parties.Employer).Select(e => e.Type).Order(StringComparer.Ordinal),
            events.Where(e => e.RecipientId == Parties.Trainer).Select(e => e.Type).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Null(e.Position));

        // One save: every milestone event shows the milestone as it was committed, funded.
        foreach (var e in events.Where(e => e.ResourceType == "milestone"))
        {
            using var body = JsonDocument.Parse(e.Body);
            Assert.Equal(e.Id.Value, body.RootElement.GetProperty("id").GetGuid());
            Assert.Equal("active_funded", body.RootElement.GetProperty("data").GetProperty("status").GetString());
            Assert.Equal(milestone.Id.Value, body.RootElement.GetProperty("data").GetProperty("id").GetGuid());
            Assert.Equal(e.ResourceSequence, body.RootElement.GetProperty("resource").GetProperty("sequence").GetInt64());
        }

        var sequences = events.Where(e => e.ResourceType == "milestone" && e.RecipientId == Parties.Employer).OrderBy(e => e.ResourceSequence).Select(e => e.Type);
        Assert.Equal(["milestone.created", "milestone.funding_started", "milestone.funded"], sequences);
    }

    [Fact]
    public async Task SaveChanges_WhenTheTransactionRollsBack_LeavesNoEventBehind()
    {
        var hire = new Hire(Moments.Now);
        Hire.Fund(hire.AddMilestone(Moments.Now), Moments.Now);

        await using (var db = _database.NewContext(_clock))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            hire.AddTo(db);
            await db.SaveChangesAsync();
            Assert.NotEqual(0, await db.Set<IntegratorEvent>().CountAsync());
            await transaction.RollbackAsync();
        }

        await using var check = _database.NewContext();
        Assert.Equal(0, await check.Set<IntegratorEvent>().CountAsync());
        Assert.Equal(0, await check.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task SaveChanges_WhenTheSameMilestoneChangesAgain_GivesItsEventsAHigherSequence()
    {
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        await using (var db = _database.NewContext(_clock))
        {
            hire.AddTo(db);
            await db.SaveChangesAsync();
        }

        await using (var db = _database.NewContext(_clock))
        {
            var loaded = await db.Set<Domain.Milestones.Milestone>().SingleAsync(m => m.Id == milestone.Id);
            Hire.Fund(loaded, Moments.Now.AddMinutes(5));
            await db.SaveChangesAsync();
        }

        await using var check = _database.NewContext();
        var employerEvents = await check.Set<IntegratorEvent>().AsNoTracking()
            .Where(e => e.RecipientId == Parties.Employer && e.ResourceType == "milestone").ToListAsync();
        var created = employerEvents.Single(e => e.Type == "milestone.created").ResourceSequence;
        var funded = employerEvents.Single(e => e.Type == "milestone.funded").ResourceSequence;
        var started = employerEvents.Single(e => e.Type == "milestone.funding_started").ResourceSequence;
        Assert.True(created < started && started < funded, $"created {created}, funding_started {started}, funded {funded}");
    }
}
