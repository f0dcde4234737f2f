using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Jobs.ListJobs;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

/// <summary>
/// What SQLite cannot do natively must still translate and be right: instants are stored as UTC
/// ticks, typed ids as their Guid text, and both compare and order as the domain does.
/// </summary>
public sealed class SqliteQueryTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task InstantComparison_WhenInstantsHaveDifferentOffsets_FiltersAndOrdersByTheUtcInstant()
    {
        // Local clock times disagree with UTC order: 13:00+02:00 is 11:00Z, before 12:00Z.
        var hire = new Hire(Moments.Now);
        var at1100Z = hire.AddMilestone(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.FromHours(2)));
        var at1200Z = hire.AddMilestone(Moments.Now);
        var at1230Z = hire.AddMilestone(new DateTimeOffset(2026, 11, 23, 7, 30, 0, TimeSpan.FromHours(-5)));
        var at1300Z = hire.AddMilestone(Moments.Now.AddHours(1));
        await Save(hire);
        var cutoff = new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.FromHours(1)); // 13:00Z

        await using var db = _database.NewContext();
        var query = db.Set<Milestone>().Where(m => m.CreatedAt < cutoff).OrderBy(m => m.CreatedAt).Select(m => m.Id);
        var ids = await query.ToListAsync();

        Assert.Equal([at1100Z.Id, at1200Z.Id, at1230Z.Id], ids);
        Assert.Contains("ORDER BY \"m\".\"CreatedAt\"", query.ToQueryString(), StringComparison.Ordinal);
        Assert.DoesNotContain(at1300Z.Id, ids);
    }

    [Fact]
    public async Task InstantComparison_WhenTheInstantIsNullable_TranslatesAndSkipsNulls()
    {
        var hire = new Hire(Moments.Now);
        var fundedEarly = hire.AddMilestone(Moments.Now);
        var fundedLate = hire.AddMilestone(Moments.Now);
        hire.AddMilestone(Moments.Now);
        Hire.Fund(fundedEarly, Moments.Now.AddMinutes(5));
        Hire.Fund(fundedLate, Moments.Now.AddDays(2));
        await Save(hire);

        await using var db = _database.NewContext();
        var ids = await db.Set<Milestone>()
            .Where(m => m.Funding.FundedAt < Moments.Now.AddDays(1))
            .OrderByDescending(m => m.Funding.FundedAt)
            .Select(m => m.Id)
            .ToListAsync();

        Assert.Equal([fundedEarly.Id], ids);
    }

    [Fact]
    public async Task InstantsRead_WhenStoredWithAnOffset_ComeBackAsTheSameUtcInstant()
    {
        var hire = new Hire(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.FromHours(2)));
        await Save(hire);

        await using var db = _database.NewContext();
        var job = await db.Set<Job>().SingleAsync();

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero), job.CreatedAt);
        Assert.Equal(TimeSpan.Zero, job.CreatedAt.Offset);
    }

    [Fact]
    public async Task TypedIdKeyset_WhenComparedInSql_MatchesTheDomainsOrdering()
    {
        var jobs = Enumerable.Range(0, 12).Select(i => Job.Create(Parties.Employer, $"Job {i}", null, Moments.Now)).ToList();
        await using (var seed = _database.NewContext())
        {
            seed.AddRange(jobs);
            await seed.SaveChangesAsync();
        }

        var cursor = jobs.Select(j => j.Id).Order().ElementAt(7);
        await using var db = _database.NewContext();
        var query = db.Set<Job>().Where(j => j.Id < cursor).OrderByDescending(j => j.Id).Select(j => j.Id);
        var ids = await query.ToListAsync();

        Assert.Equal(jobs.Select(j => j.Id).Where(id => id < cursor).OrderDescending(), ids);
        Assert.Equal(7, ids.Count);
        Assert.Contains("\"j\".\"Id\" < @", query.ToQueryString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListJobs_WhenPagedWithTheCursor_VisitsEveryJobOnceNewestIdFirst()
    {
        var mine = Enumerable.Range(0, 7).Select(i => Job.Create(Parties.Employer, $"Job {i}", null, Moments.Now.AddMinutes(i))).ToList();
        var theirs = Job.Create(Parties.OtherEmployer, "Not mine", null, Moments.Now);
        await using (var seed = _database.NewContext())
        {
            seed.AddRange(mine);
            seed.Add(theirs);
            await seed.SaveChangesAsync();
        }

        await using var db = _database.NewContext();
        var handler = new ListJobsHandler(new ReadStore(db), new TestUser(Parties.Employer, UserRole.Employer));
        var seen = new List<Guid>();
        Guid? cursor = null;
        var pages = 0;
        do
        {
            var page = await handler.Handle(new ListJobsQuery(null, Limit: 3, StartingAfter: cursor), CancellationToken.None);
            seen.AddRange(page.Data.Select(j => j.Id));
            cursor = page.HasMore ? Guid.Parse(page.NextCursor!) : null;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(mine.Select(j => j.Id).OrderDescending().Select(id => id.Value), seen);
        Assert.Empty(db.ChangeTracker.Entries());
    }

    [Fact]
    public async Task NullableTypedIdFilter_WhenComparedToAValue_Translates()
    {
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        var subject = new InvoiceSubject(Parties.Employer, Parties.Trainer, hire.Job.Id, hire.Contract.Id, milestone.Id, 1, "Job", "Work");
        var invoice = Invoice.IssuePayout("PAY-2026-000001", subject, milestone.Amount, "tr_1", Moments.Now);
        await using (var seed = _database.NewContext())
        {
            seed.Add(invoice);
            await seed.SaveChangesAsync();
        }

        var milestoneId = milestone.Id;
        await using var db = _database.NewContext();
        var found = await db.Set<Invoice>().Where(i => i.MilestoneId == milestoneId && i.TrainerId == Parties.Trainer).Select(i => i.Number).ToListAsync();

        Assert.Equal(["PAY-2026-000001"], found);
    }

    private async Task Save(Hire hire)
    {
        await using var db = _database.NewContext();
        hire.AddTo(db);
        await db.SaveChangesAsync();
    }
}
