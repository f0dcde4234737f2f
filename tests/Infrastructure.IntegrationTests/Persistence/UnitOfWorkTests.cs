using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

public sealed class UnitOfWorkTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ExecuteAsync_WhenTheWorkSucceeds_CommitsTheChangesWithTheirOutboxRows()
    {
        await using var db = _database.NewContext();
        var hire = new Hire(Moments.Now);
        hire.AddMilestone(Moments.Now);

        await new UnitOfWork(db).ExecuteAsync(_ => Task.FromResult(hire.AddTo(db)), CancellationToken.None);

        await using var check = _database.NewContext();
        Assert.Equal(1, await check.Set<Milestone>().CountAsync());
        Assert.Equal(3, await check.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheWorkThrowsAfterSavingChanges_LeavesNoRowsAndNoOutboxMessages()
    {
        await using var db = _database.NewContext();
        var hire = new Hire(Moments.Now);
        hire.AddMilestone(Moments.Now);

        await Assert.ThrowsAsync<InvalidOperationException>(() => new UnitOfWork(db).ExecuteAsync<int>(
            async ct =>
            {
                hire.AddTo(db);
                await db.SaveChangesAsync(ct);
                throw new InvalidOperationException("the provider call failed after the write");
            },
            CancellationToken.None));

        Assert.Empty(db.ChangeTracker.Entries());
        Assert.Null(db.Database.CurrentTransaction);
        await using var check = _database.NewContext();
        Assert.Equal(0, await check.Set<Domain.Jobs.Job>().CountAsync());
        Assert.Equal(0, await check.Set<Milestone>().CountAsync());
        Assert.Equal(0, await check.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheFinalSaveFails_CommitsNothingOfTheUnit()
    {
        await using var db = _database.NewContext();
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        var subject = new InvoiceSubject(Parties.Employer, Parties.Trainer, hire.Job.Id, hire.Contract.Id, milestone.Id, 1, "Job", "Work");

        // A unique violation at save time is reported as a conflict (409), and nothing of the unit stays.
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => new UnitOfWork(db).ExecuteAsync(
            _ =>
            {
                hire.AddTo(db);

                // Two invoices with one number: the unique index refuses the second at save time.
                db.Add(Invoice.IssuePayout("PAY-2026-000001", subject, milestone.Amount, "tr_1", Moments.Now));
                db.Add(Invoice.IssuePayout("PAY-2026-000001", subject, milestone.Amount, "tr_2", Moments.Now));
                return Task.FromResult(0);
            },
            CancellationToken.None));
        Assert.IsType<DbUpdateException>(conflict.InnerException);

        await using var check = _database.NewContext();
        Assert.Equal(0, await check.Set<Milestone>().CountAsync());
        Assert.Equal(0, await check.Set<Invoice>().CountAsync());
        Assert.Equal(0, await check.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task ExecuteAsync_WhenAnEnclosingTransactionRollsBack_TheStepsSaveIsRolledBackToo()
    {
        await using var db = _database.NewContext();
        var hire = new Hire(Moments.Now);

        await using (var outer = await db.Database.BeginTransactionAsync())
        {
            await new UnitOfWork(db).ExecuteAsync(_ => Task.FromResult(hire.AddTo(db)), CancellationToken.None);
            await using (var inside = _database.NewContext())
            {
                // Saved inside the enclosing transaction, not committed: another connection does not see it (WAL snapshot).
                Assert.Equal(0, await inside.Set<Domain.Jobs.Job>().CountAsync());
            }

            await outer.RollbackAsync();
        }

        await using var check = _database.NewContext();
        Assert.Equal(0, await check.Set<Domain.Jobs.Job>().CountAsync());
    }

    [Fact]
    public async Task ExecuteAsync_WhenCalledInsideAnotherUnitOfWork_RefusesAndTheOuterCommitsNothing()
    {
        await using var db = _database.NewContext();
        var unitOfWork = new UnitOfWork(db);
        var hire = new Hire(Moments.Now);

        // A process commits its steps one after the other; a unit of work begun inside another would
        // save and commit the outer one's changes early, so it is refused.
        await Assert.ThrowsAsync<InvalidOperationException>(() => unitOfWork.ExecuteAsync(
            async ct =>
            {
                hire.AddTo(db);
                return await unitOfWork.ExecuteAsync(_ => Task.FromResult(0), ct);
            },
            CancellationToken.None));

        await using var check = _database.NewContext();
        Assert.Equal(0, await check.Set<Domain.Jobs.Job>().CountAsync());
        await unitOfWork.ExecuteAsync(_ => Task.FromResult(new Hire(Moments.Now).AddTo(db)), CancellationToken.None);
        Assert.Equal(1, await check.Set<Domain.Jobs.Job>().CountAsync());
    }

    // The second save INSERTs its "approved" timeline row with the same (MilestoneId, Sequence) key as the
    // first, and EF runs that INSERT before the version-checked UPDATE of Milestones: either the unique key
    // or the version check refuses it, and the unit of work reports both as a concurrency conflict (409).
    [Fact]
    public async Task ExecuteAsync_WhenTwoContextsApproveTheSameMilestone_TheSecondThrowsConcurrencyConflict()
    {
        var (first, second, milestone) = await LoadFundedMilestoneTwice();
        await using (first.Db)
        await using (second.Db)
        {
            await new UnitOfWork(first.Db).ExecuteAsync(_ => Task.FromResult(Approve(first.Milestone)), CancellationToken.None);
            var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
                new UnitOfWork(second.Db).ExecuteAsync(_ => Task.FromResult(Approve(second.Milestone)), CancellationToken.None));

            Assert.IsAssignableFrom<DbUpdateException>(conflict.InnerException);
            Assert.Empty(second.Db.ChangeTracker.Entries());
        }

        await AssertApprovedOnce(milestone);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTwoContextsApproveTheSameMilestone_StoresOnlyTheFirstApproval()
    {
        var (first, second, milestone) = await LoadFundedMilestoneTwice();
        await using (first.Db)
        await using (second.Db)
        {
            await new UnitOfWork(first.Db).ExecuteAsync(_ => Task.FromResult(Approve(first.Milestone)), CancellationToken.None);

            // Whatever the exception (see the skipped test above), the second approval must not be written.
            await Assert.ThrowsAnyAsync<Exception>(() =>
                new UnitOfWork(second.Db).ExecuteAsync(_ => Task.FromResult(Approve(second.Milestone)), CancellationToken.None));

            Assert.Empty(second.Db.ChangeTracker.Entries());
        }

        await AssertApprovedOnce(milestone);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTwoContextsEndTheSameContract_TheSecondThrowsConcurrencyConflict()
    {
        var hire = new Hire(Moments.Now);
        await using (var seed = _database.NewContext())
        {
            hire.AddTo(seed);
            await seed.SaveChangesAsync();
        }

        await using var first = _database.NewContext();
        await using var second = _database.NewContext();
        var inFirst = await first.Set<Domain.Contracts.Contract>().SingleAsync();
        var inSecond = await second.Set<Domain.Contracts.Contract>().SingleAsync();

        await new UnitOfWork(first).ExecuteAsync(_ => Task.FromResult(End(inFirst)), CancellationToken.None);
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            new UnitOfWork(second).ExecuteAsync(_ => Task.FromResult(End(inSecond)), CancellationToken.None));

        Assert.IsType<DbUpdateConcurrencyException>(conflict.InnerException);
        await using var check = _database.NewContext();
        Assert.Equal(1, (await check.Set<Domain.Contracts.Contract>().SingleAsync()).Version);
        Assert.Equal(1, await check.OutboxMessages.CountAsync(m => m.Type == "ContractEnded"));
    }

    private async Task<(Session First, Session Second, Milestone Seeded)> LoadFundedMilestoneTwice()
    {
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        Hire.Fund(milestone, Moments.Now);
        await using (var seed = _database.NewContext())
        {
            hire.AddTo(seed);
            await seed.SaveChangesAsync();
        }

        var first = _database.NewContext();
        var second = _database.NewContext();
        var inFirst = await first.Set<Milestone>().SingleAsync(m => m.Id == milestone.Id);
        var inSecond = await second.Set<Milestone>().SingleAsync(m => m.Id == milestone.Id);
        return (new Session(first, inFirst), new Session(second, inSecond), milestone);
    }

    private async Task AssertApprovedOnce(Milestone milestone)
    {
        await using var check = _database.NewContext();
        var stored = await check.Set<Milestone>().SingleAsync(m => m.Id == milestone.Id);
        Assert.Equal((MilestoneStatus.PayoutPending, 1), (stored.Status, stored.Version));
        Assert.Equal(1, stored.Timeline.Count(t => t.Action == "approved"));
        Assert.Equal(1, await check.OutboxMessages.CountAsync(m => m.Type == nameof(MilestoneApproved)));
    }

    private static bool End(Domain.Contracts.Contract contract)
    {
        contract.End(Moments.Now.AddDays(1));
        return true;
    }

    private static bool Approve(Milestone milestone)
    {
        milestone.Approve(Parties.Employer, Moments.Now.AddDays(1));
        return true;
    }

    private sealed record Session(AppDbContext Db, Milestone Milestone);
}
