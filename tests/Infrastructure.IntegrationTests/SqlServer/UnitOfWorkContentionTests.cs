using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Infrastructure.Resilience;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;
using OpenTrain.Clean.TestSupport.SqlServer;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.SqlServer;

/// <summary>
/// SQL Server's deadlock victims and lock timeouts (injected as SQL Server's own errors on a real SQLite
/// file) and an unreachable server: retried where the unit of work can, else 409 or 503, never a 500.
/// </summary>
public sealed class UnitOfWorkContentionTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData(SqlServerErrors.Deadlock)]
    [InlineData(SqlServerErrors.LockTimeout)]
    public async Task ExecuteAsync_WhenTheSaveLosesToAnotherWriterOnce_SavesAgainAndCommitsOnce(int error)
    {
        var faults = new FailingWrites(error) { Remaining = 1 };
        await using var db = Context(faults);

        await new UnitOfWork(db).ExecuteAsync(_ => Task.FromResult(db.Add(NewJob()).Entity), CancellationToken.None);

        Assert.Equal(1, faults.Failed);
        await using var check = _database.NewContext();
        Assert.Equal(1, await check.Set<Job>().CountAsync());
        Assert.Equal(1, await check.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task ExecuteAsync_WhenEverySaveIsADeadlockVictim_AnswersConcurrencyConflictAndWritesNothing()
    {
        var faults = new FailingWrites(SqlServerErrors.Deadlock) { Remaining = int.MaxValue };
        await using var db = Context(faults);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            new UnitOfWork(db).ExecuteAsync(_ => Task.FromResult(db.Add(NewJob()).Entity), CancellationToken.None));

        Assert.Equal(3, faults.Failed);
        await using var check = _database.NewContext();
        Assert.Equal(0, await check.Set<Job>().CountAsync());
    }

    [Fact]
    public async Task ExecuteAsync_WhenAStatementRanInTheTransactionBeforeTheDeadlock_DoesNotSaveAgain()
    {
        var faults = new FailingWrites(SqlServerErrors.Deadlock);
        await using var db = Context(faults);

        // An invoice number was taken inside the transaction: after the rollback it is gone, so saving
        // the invoice again would issue a number the counter never handed out.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => new UnitOfWork(db).ExecuteAsync(
            async ct =>
            {
                var number = await new InvoiceNumberSequence(db).NextAsync(InvoiceKind.EmployerFunding, 2026, ct);
                faults.Remaining = 1;
                db.Add(NewJob());
                return number;
            },
            CancellationToken.None));

        Assert.Equal(1, faults.Failed);
        await using var check = _database.NewContext();
        Assert.Equal(0, await check.Set<Job>().CountAsync());
        Assert.Equal(0, await check.InvoiceSequences.CountAsync());
    }

    [Fact]
    public async Task ExecuteAsync_WhenSqlServerCannotBeReached_AnswersServiceUnavailable()
    {
        await using var db = new SqlServerAppDbContext(new DbContextOptionsBuilder<SqlServerAppDbContext>()
            .UseSqlServer(SqlServerConnectionTests.ClosedPortConnectionString())
            .AddInterceptors(new DomainEventsToOutboxInterceptor(TimeProvider.System))
            .Options);

        var unavailable = await Assert.ThrowsAsync<ServiceUnavailableException>(() =>
            new UnitOfWork(db).ExecuteAsync(_ => Task.FromResult(db.Add(NewJob()).Entity), CancellationToken.None));

        Assert.Equal(DatabaseFailures.UnavailableMessage, unavailable.Message);
        Assert.True(unavailable.RetryAfter > TimeSpan.Zero);
        Assert.IsType<Microsoft.Data.SqlClient.SqlException>(unavailable.InnerException);
    }

    private static Job NewJob() => Job.Create(Parties.Employer, "Preference pairs", null, Moments.Now);

    private SqliteAppDbContext Context(FailingWrites faults) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite(_database.ConnectionString)
            .AddInterceptors(new DomainEventsToOutboxInterceptor(TimeProvider.System), faults)
            .Options);
}
