using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

/// <summary>
/// Writers of one process queue at the gate in memory instead of sleeping in SQLite's busy handler:
/// a second transaction's begin is a pending task (not a blocked thread) until the first ends.
/// </summary>
public sealed class SqliteWriterGateTests : IDisposable
{
    private static readonly TimeSpan Handoff = TimeSpan.FromSeconds(5);

    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly SqliteWriterGate _gate = new();

    [Fact]
    public async Task BeginTransaction_WhileAnotherWriterHoldsTheDatabase_WaitsAtTheGateUntilItCommits()
    {
        await using var first = Context();
        await using var second = Context();
        var held = await first.Database.BeginTransactionAsync();
        await first.Database.ExecuteSqlRawAsync("UPDATE InvoiceSequences SET LastNumber = LastNumber + 1");

        var waiting = second.Database.BeginTransactionAsync();
        Assert.False(waiting.IsCompleted);

        await held.CommitAsync();
        await using var next = await waiting.WaitAsync(Handoff);
        await second.Database.ExecuteSqlRawAsync("UPDATE InvoiceSequences SET LastNumber = LastNumber + 1");
        await next.CommitAsync();
    }

    [Fact]
    public async Task BeginTransaction_WhenTheHolderIsDisposedWithoutCommit_GoesAhead()
    {
        await using var first = Context();
        await using var second = Context();
        var held = await first.Database.BeginTransactionAsync();

        var waiting = second.Database.BeginTransactionAsync();
        Assert.False(waiting.IsCompleted);

        await held.DisposeAsync();
        await using var next = await waiting.WaitAsync(Handoff);
        Assert.NotNull(second.Database.CurrentTransaction);
    }

    [Fact]
    public async Task BeginTransaction_WhenTheHolderRolledBack_GoesAhead()
    {
        await using var first = Context();
        await using var second = Context();
        var held = await first.Database.BeginTransactionAsync();
        var waiting = second.Database.BeginTransactionAsync();

        await held.RollbackAsync();

        await using var next = await waiting.WaitAsync(Handoff);
        await held.DisposeAsync();
    }

    public void Dispose()
    {
        _gate.Dispose();
        _database.Dispose();
    }

    private SqliteAppDbContext Context() =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(_database.ConnectionString).AddInterceptors(_gate).Options);
}
