using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Application;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

/// <summary>Where the composed read store runs a query: on a read connection, or on the scope's own context.</summary>
public sealed class ReadStoreRoutingTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly ServiceProvider _services;

    public ReadStoreRoutingTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDirectory"] = _database.Directory }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddApplication().AddInfrastructure(configuration, new ReleaseHostEnvironment(_database.Directory));
        _services = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _database.Dispose();
    }

    [Fact]
    public async Task Read_WhenNothingElseInTheScopeUsedTheDatabase_RunsWithoutLeasingTheScopesContext()
    {
        var hire = new Hire(Moments.Now);
        await using (var db = _database.NewContext())
        {
            hire.AddTo(db);
            await db.SaveChangesAsync();
        }

        await using var scope = _services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IReadStore>();

        var titles = await store.ToListAsync(store.Query<Job>().Select(j => j.Title), CancellationToken.None);

        Assert.Equal([hire.Job.Title], titles);
        Assert.Null(scope.ServiceProvider.GetRequiredService<ScopedContext>().IfLeased);
    }

    [Fact]
    public async Task Read_WhenTheScopesContextHasATransactionOpen_RunsInItAndSeesItsUncommittedRows()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<IReadStore>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var hire = new Hire(Moments.Now);
        hire.AddTo(db);
        await db.SaveChangesAsync();

        var inside = await store.ToListAsync(store.Query<Job>().Select(j => j.Title), CancellationToken.None);
        await using var other = _services.CreateAsyncScope();
        var outside = other.ServiceProvider.GetRequiredService<IReadStore>();
        var committedOnly = await outside.ToListAsync(outside.Query<Job>().Select(j => j.Title), CancellationToken.None);

        Assert.Equal([hire.Job.Title], inside);
        Assert.Empty(committedOnly);
        Assert.Same(db, scope.ServiceProvider.GetRequiredService<ScopedContext>().IfLeased);
    }
}
