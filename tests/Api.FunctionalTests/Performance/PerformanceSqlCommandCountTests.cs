using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
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

        var (commandsForOne, rowsForOne) = await fixture.CountAsync(Path(route, one), one.Token);
        var (commandsForThirty, rowsForThirty) = await fixture.CountAsync(Path(route, thirty), thirty.Token);

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

/// <summary>An employer as the fixture set them up: their token and their first contract.</summary>
public sealed record PerformanceEmployer(string Token, Guid ContractId);

/// <summary>
/// One API (Development, its own SQLite file, no in-process jobs, no rate limits) with two
/// employers hiring one trainer: "one" has one job, one contract, one funded milestone and so one
/// funding invoice; "thirty" has 30 of each of those, and 30 milestones on its first contract.
/// </summary>
public sealed class PerformanceSqlCommandCountFixture : IAsyncLifetime, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly PerformanceApiFactory _factory = new();
    private readonly PerformanceSqlCommandCounter _counter;
    private HttpClient _http = null!;

    public PerformanceSqlCommandCountFixture() => _counter = new PerformanceSqlCommandCounter(_factory.DatabaseFile);

    public PerformanceEmployer One { get; private set; } = null!;

    public PerformanceEmployer Thirty { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _http = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var trainer = await TokenAsync("trainer");
        await SendAsync(HttpMethod.Get, "/api/v1/me", trainer.Token, null, HttpStatusCode.OK);
        One = await EmployerWithAsync(trainer.Id, 1);
        Thirty = await EmployerWithAsync(trainer.Id, 30);
    }

    /// <summary>Sends a GET and returns the EF Core commands it executed and the rows in its page.</summary>
    public async Task<(int Commands, int Rows)> CountAsync(string path, string token)
    {
        // Once unmeasured: first-request work (caches, lazy setup) is not what this test is about.
        await SendAsync(HttpMethod.Get, path, token, null, HttpStatusCode.OK);
        var commands = _counter.Start();
        var page = await SendAsync(HttpMethod.Get, path, token, null, HttpStatusCode.OK);
        return (commands.Stop(), page.GetProperty("data").GetArrayLength());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _http.Dispose();
        _counter.Dispose();
        _factory.Dispose();
    }

    private async Task<PerformanceEmployer> EmployerWithAsync(Guid trainerId, int count)
    {
        var employer = await TokenAsync("employer");
        await SendAsync(HttpMethod.Get, "/api/v1/me", employer.Token, null, HttpStatusCode.OK);
        await SendAsync(HttpMethod.Post, "/api/v1/billing/payment-methods", employer.Token, new { paymentMethodId = "pm_card_visa" }, HttpStatusCode.OK);
        Guid? firstContract = null;
        for (var i = 1; i <= count; i++)
        {
            var job = await SendAsync(HttpMethod.Post, "/api/v1/jobs", employer.Token, new { title = $"Labelling batch {i}" }, HttpStatusCode.Created);
            var hire = await SendAsync(
                HttpMethod.Post,
                $"/api/v1/jobs/{job.GetProperty("id").GetGuid()}/contracts",
                employer.Token,
                new { trainerId, firstMilestone = new { description = $"Preference pairs, part {i}", amount = 50_000 } },
                HttpStatusCode.Created);
            firstContract ??= hire.GetProperty("contract").GetProperty("id").GetGuid();
        }

        for (var i = 2; i <= count; i++)
        {
            await SendAsync(HttpMethod.Post, $"/api/v1/contracts/{firstContract}/milestones", employer.Token, new { description = $"More pairs, part {i}", amount = 40_000 }, HttpStatusCode.Created);
        }

        return new PerformanceEmployer(employer.Token, firstContract!.Value);
    }

    private async Task<(Guid Id, string Token)> TokenAsync(string role)
    {
        var body = await SendAsync(HttpMethod.Post, "/dev/token", null, new { role }, HttpStatusCode.OK);
        return (body.GetProperty("userId").GetGuid(), body.GetProperty("accessToken").GetString()!);
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string? token, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request);
        return await Expect.StatusAsync(response, expected);
    }
}

/// <summary>The API in Development on a SQLite file of its own, with no background jobs to add commands.</summary>
public sealed class PerformanceApiFactory : WebApplicationFactory<Program>
{
    private readonly string _dataDirectory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "opentrain-performance", Guid.NewGuid().ToString("N"));

    public string DatabaseFile => System.IO.Path.Combine(_dataDirectory, "opentrain.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("DataDirectory", _dataDirectory);
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Worker:InProcess", "false");
        builder.UseSetting("RateLimiting:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dataDirectory))
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a late connection: the OS temp cleaner takes it.
            }
        }
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
