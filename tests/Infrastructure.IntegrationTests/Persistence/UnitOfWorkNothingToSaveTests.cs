using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

/// <summary>
/// Issue 13: a unit of work that only read (a payout's claim already leased to this worker) begins and commits
/// no transaction, so it takes no turn on SQLite's one write lock; one that changed something still commits it.
/// </summary>
public sealed class UnitOfWorkNothingToSaveTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly TransactionCounter _transactions = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ExecuteAsync_WhenTheWorkOnlyRead_BeginsNoTransaction()
    {
        var milestoneId = await SeedMilestoneAsync();
        await using var db = CountingContext();

        var found = await new UnitOfWork(db).ExecuteAsync(async ct => await db.Set<Milestone>().FindAsync([milestoneId], ct), CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(0, _transactions.Started);
        Assert.Null(db.Database.CurrentTransaction);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheWorkAddedAnAggregate_CommitsItInOneTransaction()
    {
        await SeedMilestoneAsync();
        await using var db = CountingContext();
        var hire = new Hire(Moments.Now);
        hire.AddMilestone(Moments.Now);

        await new UnitOfWork(db).ExecuteAsync(_ => Task.FromResult(hire.AddTo(db)), CancellationToken.None);

        Assert.Equal(1, _transactions.Started);
        Assert.Equal(1, _transactions.Committed);
        await using var check = _database.NewContext();
        Assert.Equal(2, await check.Set<Milestone>().CountAsync());
    }

    private async Task<MilestoneId> SeedMilestoneAsync()
    {
        await using var db = _database.NewContext();
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        hire.AddTo(db);
        await db.SaveChangesAsync();
        return milestone.Id;
    }

    private SqliteAppDbContext CountingContext() =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite(_database.ConnectionString)
            .AddInterceptors(new DomainEventsToOutboxInterceptor(TimeProvider.System), _transactions)
            .Options);

    private sealed class TransactionCounter : DbTransactionInterceptor
    {
        public int Started { get; private set; }

        public int Committed { get; private set; }

        public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        {
            Started++;
            return ValueTask.FromResult(result);
        }

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Committed++;
            return Task.CompletedTask;
        }
    }
}
