using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

/// <summary>
/// The statuses took the product's names; rows stored under the old names (Funded, Submitted,
/// Releasing) are rewritten by the MilestoneStatusProductNames migration of each provider.
/// </summary>
public sealed class MilestoneStatusMigrationTests
{
    private const string BeforeRename = "IntegratorEvents";

    [Fact]
    public async Task Migrate_WhenRowsHoldTheOldStatusNames_ReadsThemBackUnderTheProductNames()
    {
        using var database = TestDatabase.Empty();
        var hire = new Hire(Moments.Now);
        var funded = hire.AddMilestone(Moments.Now);
        var submitted = hire.AddMilestone(Moments.Now);
        var approved = hire.AddMilestone(Moments.Now);
        foreach (var milestone in hire.Milestones)
        {
            Hire.Fund(milestone, Moments.Now);
        }

        submitted.Submit(Parties.Trainer, "done", Moments.Now);
        approved.Submit(Parties.Trainer, "done", Moments.Now);
        approved.Approve(Parties.Employer, Moments.Now);
        await using (var db = database.NewContext())
        {
            await db.Database.MigrateAsync();
            hire.AddTo(db);
            await db.SaveChangesAsync();

            // Back to the schema before the rename: the rows now hold what an older release wrote.
            await db.GetService<IMigrator>().MigrateAsync(BeforeRename);
            Assert.Equal(["Funded", "Releasing", "Submitted"], await StoredStatusesAsync(db));
            Assert.Contains("Submitted", await StoredTimelineStatusesAsync(db));

            await db.Database.MigrateAsync();
        }

        await using var check = database.NewContext();
        var stored = await check.Set<Milestone>().ToDictionaryAsync(m => m.Id);
        Assert.Equal(MilestoneStatus.ActiveFunded, stored[funded.Id].Status);
        Assert.Equal(MilestoneStatus.PendingApproval, stored[submitted.Id].Status);
        Assert.Equal(MilestoneStatus.PayoutPending, stored[approved.Id].Status);
        Assert.Equal(
            [(null, MilestoneStatus.NotFunded), (MilestoneStatus.NotFunded, MilestoneStatus.Funding), (MilestoneStatus.Funding, MilestoneStatus.ActiveFunded),
             (MilestoneStatus.ActiveFunded, MilestoneStatus.PendingApproval), (MilestoneStatus.PendingApproval, MilestoneStatus.PayoutPending)],
            stored[approved.Id].Timeline.OrderBy(t => t.Sequence).Select(t => (t.From, t.To)).ToList());
        Assert.DoesNotContain(await StoredTimelineStatusesAsync(check), name => name is "Funded" or "Submitted" or "Releasing");
    }

    [Fact]
    public void SqlServerScript_OfTheRename_RewritesTheStatusAndBothEndsOfEveryTimelineEntry()
    {
        using var db = new SqlServerAppDbContext(new DbContextOptionsBuilder<SqlServerAppDbContext>()
            .UseSqlServer("Server=.;Database=x;Trusted_Connection=True")
            .AddInterceptors(new DomainEventsToOutboxInterceptor(TimeProvider.System))
            .Options);
        var migrator = db.GetService<IMigrator>();

        var up = migrator.GenerateScript(BeforeRename, "MilestoneStatusProductNames");
        var down = migrator.GenerateScript("MilestoneStatusProductNames", BeforeRename);

        foreach (var (old, now) in new[] { ("Funded", "ActiveFunded"), ("Submitted", "PendingApproval"), ("Releasing", "PayoutPending") })
        {
            Assert.Contains($"UPDATE [Milestones] SET [Status] = N'{now}'\nWHERE [Status] = N'{old}';", Normalized(up), StringComparison.Ordinal);
            Assert.Contains($"UPDATE [MilestoneTimeline] SET [From] = N'{now}'\nWHERE [From] = N'{old}';", Normalized(up), StringComparison.Ordinal);
            Assert.Contains($"UPDATE [MilestoneTimeline] SET [To] = N'{now}'\nWHERE [To] = N'{old}';", Normalized(up), StringComparison.Ordinal);
            Assert.Contains($"UPDATE [Milestones] SET [Status] = N'{old}'\nWHERE [Status] = N'{now}';", Normalized(down), StringComparison.Ordinal);
        }
    }

    private static string Normalized(string script) => script.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static async Task<List<string>> StoredStatusesAsync(AppDbContext db) =>
        await db.Database.SqlQueryRaw<string>("SELECT Status AS Value FROM Milestones ORDER BY Status").ToListAsync();

    private static async Task<List<string>> StoredTimelineStatusesAsync(AppDbContext db) =>
        await db.Database.SqlQueryRaw<string>("SELECT \"To\" AS Value FROM MilestoneTimeline UNION SELECT \"From\" FROM MilestoneTimeline WHERE \"From\" IS NOT NULL").ToListAsync();
}
