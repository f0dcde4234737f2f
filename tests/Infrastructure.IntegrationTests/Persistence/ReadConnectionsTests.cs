using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

/// <summary>SQLite's read connections: EF Core's queries on statements compiled once per connection.</summary>
public sealed class ReadConnectionsTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly SqliteReadConnections _connections;

    public ReadConnectionsTests() => _connections = new SqliteReadConnections(_database.ConnectionString);

    public void Dispose()
    {
        _connections.Dispose();
        _database.Dispose();
    }

    [Fact]
    public async Task Query_WhenRunAgainWithOtherArguments_ReusesTheCompiledStatementAndBindsTheNewValues()
    {
        var first = new Hire(Moments.Now, title: "First");
        var second = new Hire(Moments.Now, title: "Second");
        await Save(first, second);
        var context = _connections.Rent();
        var connection = (StatementCachingConnection)context.Database.GetDbConnection();

        var before = connection.Statements;

        var titles = new List<string?>();
        foreach (var id in new[] { first.Job.Id, second.Job.Id, JobId.New() })
        {
            titles.Add(await context.Set<Job>().Where(j => j.Id == id).Select(j => j.Title).FirstOrDefaultAsync());
        }

        Assert.Equal(["First", "Second", null], titles);
        Assert.Equal(before + 1, connection.Statements);
        _connections.Return(context);
    }

    [Fact]
    public async Task Query_WhenTheConnectionKeepsNoMoreStatements_StillRunsUnprepared()
    {
        var hire = new Hire(Moments.Now, title: "Kept");
        await Save(hire);
        var context = _connections.Rent();
        var connection = (StatementCachingConnection)context.Database.GetDbConnection();
        for (var i = 0; connection.Statement($"SELECT {i}") is not null; i++)
        {
        }

        var title = await context.Set<Job>().Where(j => j.Title.StartsWith("Ke")).Select(j => j.Title).SingleAsync();

        Assert.Equal("Kept", title);
        _connections.Return(context);
    }

    private async Task Save(params Hire[] hires)
    {
        await using var db = _database.NewContext();
        foreach (var hire in hires)
        {
            hire.AddTo(db);
        }

        await db.SaveChangesAsync();
    }
}
