using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Performance;

/// <summary>
/// No N+1 on the list routes: the SQL commands EF Core executes for one request do not grow with
/// the number of rows listed. Each route is asked by an employer with one row and by one with 30
/// (a full page of 20 and a next cursor), and both must cost the same number of commands.
/// </summary>
public sealed class PerformanceSqlCommandCountTests(PerformanceSqlCommandCountFixture fixture) : IClassFixture<PerformanceSqlCommandCountFixture>
{
    private const int FullPage = 20;

    [Theory]
    [InlineData("contract milestones")]
    [InlineData("invoices")]
    [InlineData("invoice report")]
    [InlineData("jobs")]
    [InlineData("contracts")]
    public async Task ListRoute_WhenItLists30RowsInsteadOf1_RunsTheSameNumberOfSqlCommands(string route)
    {
        var (one, thirty) = (fixture.One, fixture.Thirty);

        var (commandsForOne, rowsForOne) = await fixture.CountAsync(Path(route, one), one.Actor);
        var (commandsForThirty, rowsForThirty) = await fixture.CountAsync(Path(route, thirty), thirty.Actor);

        Assert.Equal(1, rowsForOne);
        Assert.Equal(FullPage, rowsForThirty);
        Assert.InRange(commandsForOne, 1, 4);
        Assert.Equal(commandsForOne, commandsForThirty);
    }

    private static string Path(string route, PerformanceEmployer employer) => route switch
    {
        "contract milestones" => $"/api/v1/contracts/{employer.ContractId}/milestones",
        "invoices" => "/api/v1/invoices",
        "invoice report" => "/api/v1/reports/invoices?limit=20",
        "jobs" => "/api/v1/jobs",
        "contracts" => "/api/v1/contracts",
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
    };
}

/// <summary>An employer as the fixture set them up: who they are and their first contract.</summary>
public sealed record PerformanceEmployer(Actor Actor, Guid ContractId);

/// <summary>
/// One API (no rate limits) with two employers hiring one trainer: "one" has one job, one contract,
/// one funded milestone and so one funding invoice; "thirty" has 30 of each of those, and 30
/// milestones on its first contract.
/// </summary>
public sealed class PerformanceSqlCommandCountFixture : IAsyncLifetime, IDisposable
{
    private readonly ApiFactory _factory = ApiFactory.Create(new ApiHostOptions { RateLimiting = false });
    private readonly PerformanceSqlCommandCounter _counter;
    private ApiClient _api = null!;

    public PerformanceSqlCommandCountFixture() => _counter = new PerformanceSqlCommandCounter(_factory.DatabaseFile);

    public PerformanceEmployer One { get; private set; } = null!;

    public PerformanceEmployer Thirty { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _api = _factory.CreateApiClient();
        var trainer = await _api.SignInAsync("trainer");
        One = await EmployerWithAsync(trainer, 1);
        Thirty = await EmployerWithAsync(trainer, 30);
    }

    /// <summary>Sends a GET and returns the EF Core commands it executed and the rows in its page.</summary>
    public async Task<(int Commands, int Rows)> CountAsync(string path, Actor caller)
    {
        // Once unmeasured: first-request work (caches, lazy setup) is not what this test is about.
        await _api.GetJsonAsync(path, caller);
        var commands = _counter.Start();
        var page = await _api.GetJsonAsync(path, caller);
        return (commands.Stop(), page.GetProperty("data").GetArrayLength());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _counter.Dispose();
        _factory.Dispose();
    }

    private async Task<PerformanceEmployer> EmployerWithAsync(Actor trainer, int count)
    {
        var employer = await _api.EmployerAsync();
        Guid? firstContract = null;
        for (var i = 1; i <= count; i++)
        {
            var job = await _api.CreateJobAsync(employer, $"Labelling batch {i}");
            var hire = await Expect.StatusAsync(await _api.HireAsync(employer, job, trainer, 50_000, $"Preference pairs, part {i}"), HttpStatusCode.Created);
            firstContract ??= hire.Id("contract.id");
        }

        for (var i = 2; i <= count; i++)
        {
            await _api.AddMilestoneAsync(employer, firstContract!.Value, 40_000, description: $"More pairs, part {i}");
        }

        return new PerformanceEmployer(employer, firstContract!.Value);
    }
}

/// <summary>
/// Counts EF Core's executed commands (the <c>CommandExecuted</c> diagnostic event, which EF raises
/// for every DbCommand it runs) on one database file. DiagnosticListener is process-wide, and test
/// classes run in parallel, so only commands on this file's connections are counted.
/// </summary>
public sealed class PerformanceSqlCommandCounter : IObserver<DiagnosticListener>, IDisposable
{
    private readonly string _databaseFile;
    private readonly IDisposable _allListeners;
    private readonly ConcurrentBag<IDisposable> _subscriptions = [];
    private int _count;
    private volatile bool _counting;

    public PerformanceSqlCommandCounter(string databaseFile)
    {
        _databaseFile = System.IO.Path.GetFullPath(databaseFile);
        _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public PerformanceSqlCommandCounter Start()
    {
        Interlocked.Exchange(ref _count, 0);
        _counting = true;
        return this;
    }

    public int Stop()
    {
        _counting = false;
        return Volatile.Read(ref _count);
    }

    public void OnNext(DiagnosticListener value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Name == DbLoggerCategory.Name)
        {
            _subscriptions.Add(value.Subscribe(new Events(this), name => name == RelationalEventId.CommandExecuted.Name));
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _allListeners.Dispose();
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    private void Executed(CommandExecutedEventData data)
    {
        if (_counting && data.Command.Connection is SqliteConnection connection
            && string.Equals(System.IO.Path.GetFullPath(connection.DataSource), _databaseFile, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _count);
        }
    }

    private sealed class Events(PerformanceSqlCommandCounter counter) : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Value is CommandExecutedEventData data)
            {
                counter.Executed(data);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
