using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Repositories;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

public sealed class RepositoryAndReadStoreTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task FindAsync_WhenTheAggregateExists_ReturnsItTrackedForChange()
    {
        var hire = new Hire(Moments.Now);
        await Save(db => hire.AddTo(db));
        await using var db = _database.NewContext();
        var jobs = new EfRepository<Job, JobId>(db);

        var job = await jobs.FindAsync(hire.Job.Id, CancellationToken.None);

        Assert.NotNull(job);
        Assert.Equal(hire.Job.Title, job.Title);
        Assert.Equal(EntityState.Unchanged, db.Entry(job).State);
        Assert.Null(await jobs.FindAsync(JobId.New(), CancellationToken.None));
    }

    [Fact]
    public async Task Add_WhenSaved_PersistsTheAggregate()
    {
        var job = Job.Create(Parties.Employer, "Label images", null, Moments.Now);
        await using (var db = _database.NewContext())
        {
            new EfRepository<Job, JobId>(db).Add(job);
            await db.SaveChangesAsync();
        }

        await using var check = _database.NewContext();
        Assert.Equal("Label images", (await check.Set<Job>().SingleAsync(j => j.Id == job.Id)).Title);
    }

    [Fact]
    public async Task ListAwaitingPayoutSetupAsync_WhenPayoutsAreMixed_ReturnsOnlyTheTrainersWaitingForSetupAsTracked()
    {
        var hire = new Hire(Moments.Now);
        var waiting = hire.AddMilestone(Moments.Now);
        var retrying = hire.AddMilestone(Moments.Now);
        var unapproved = hire.AddMilestone(Moments.Now);
        foreach (var m in new[] { waiting, retrying, unapproved })
        {
            var attempt = m.BeginFunding(Parties.Employer, Moments.Now);
            m.MarkFunded(attempt.Number, $"pi_{attempt.Number}_{m.Id.Value:N}", $"ch_{m.Id.Value:N}", Moments.Now);
        }

        waiting.Approve(Parties.Employer, Moments.Now);
        waiting.DeferPayout(PayoutPendingReason.PayoutSetupIncomplete, null, "setup", Moments.Now);
        retrying.Approve(Parties.Employer, Moments.Now);
        retrying.DeferPayout(PayoutPendingReason.Retrying, Moments.Now.AddMinutes(1), "429", Moments.Now);
        await Save(db => hire.AddTo(db));
        await using var db = _database.NewContext();

        var listed = await new MilestoneRepository(db).ListAwaitingPayoutSetupAsync(waiting.TrainerId, CancellationToken.None);

        Assert.Equal([waiting.Id], listed.Select(m => m.Id));
        Assert.All(listed, m => Assert.Equal(EntityState.Unchanged, db.Entry(m).State));
    }

    [Fact]
    public async Task FindFundingInvoiceAsync_WhenTheInvoiceIsStoredOrOnlyTracked_FindsItForThatAttemptOnly()
    {
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        var stored = FundingInvoice("INV-2026-000001", hire, milestone, attempt: 1);
        await Save(db => db.Add(stored));
        await using var db = _database.NewContext();
        var invoices = new InvoiceRepository(db);
        var tracked = FundingInvoice("INV-2026-000002", hire, milestone, attempt: 2);
        invoices.Add(tracked);

        Assert.Equal(stored.Id, (await invoices.FindFundingInvoiceAsync(milestone.Id, 1, CancellationToken.None))?.Id);
        Assert.Same(tracked, await invoices.FindFundingInvoiceAsync(milestone.Id, 2, CancellationToken.None));
        Assert.Null(await invoices.FindFundingInvoiceAsync(milestone.Id, 3, CancellationToken.None));
        Assert.Null(await invoices.FindFundingInvoiceAsync(MilestoneId.New(), 1, CancellationToken.None));
    }

    [Fact]
    public async Task ReadStore_WhenQueried_ReturnsUntrackedRowsAndExecutesEachOperator()
    {
        var hire = new Hire(Moments.Now);
        hire.AddMilestone(Moments.Now);
        hire.AddMilestone(Moments.Now, cents: 20_000);
        await Save(db => hire.AddTo(db));
        await using var db = _database.NewContext();
        var store = new ReadStore(db);

        var all = await store.ToListAsync(store.Query<Milestone>().OrderBy(m => m.Sequence), CancellationToken.None);
        var second = await store.FirstOrDefaultAsync(store.Query<Milestone>().Where(m => m.Sequence == 2), CancellationToken.None);
        var none = await store.FirstOrDefaultAsync(store.Query<Milestone>().Where(m => m.Sequence == 9), CancellationToken.None);
        var anyCheap = await store.AnyAsync(store.Query<Milestone>().Where(m => m.Amount.Amount < 30_000), CancellationToken.None);
        var anyHuge = await store.AnyAsync(store.Query<Milestone>().Where(m => m.Amount.Amount > 1_000_000), CancellationToken.None);

        Assert.Equal([1, 2], all.Select(m => m.Sequence));
        Assert.Equal(Money.FromCents(20_000), second?.Amount);
        Assert.Null(none);
        Assert.True(anyCheap);
        Assert.False(anyHuge);
        Assert.Empty(db.ChangeTracker.Entries());
        Assert.All(all, m => Assert.Equal("created", Assert.Single(m.Timeline).Action));
    }

    private static Invoice FundingInvoice(string number, Hire hire, Milestone milestone, int attempt) => Invoice.IssueFunding(
        number,
        new InvoiceSubject(hire.Job.EmployerId, Parties.Trainer, hire.Job.Id, hire.Contract.Id, milestone.Id, attempt, hire.Job.Title, milestone.Description),
        milestone.Amount,
        milestone.MarketplaceFee,
        milestone.ContractInitiationFee,
        InvoicePaymentStatus.Pending,
        null,
        Moments.Now);

    private async Task Save(Action<AppDbContext> add)
    {
        await using var db = _database.NewContext();
        add(db);
        await db.SaveChangesAsync();
    }
}
