using Mediator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>How a <see cref="SafetyApiFactory"/> is set up; a restart keeps all of it.</summary>
public sealed record SafetyHostOptions
{
    /// <summary>Extra configuration (UseSetting), applied after the safety defaults.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Extra test services (test event handlers and the like), applied after the fault decorators.</summary>
    public Action<IServiceCollection>? Services { get; init; }

    public string Environment { get; init; } = "Development";

    /// <summary>Wraps IPaymentGateway and IUnitOfWork in the fault-injecting decorators.</summary>
    public bool InjectFaults { get; init; } = true;
}

/// <summary>
/// The API for the safety suite: its own SQLite file and simulator ledger in a data directory that
/// outlives the host (so a "restart" is a new factory on the same directory, and the provider keeps
/// its memory as Stripe would), no in-process workers (the tests drive the outbox, the payout job and
/// reconciliation themselves), a fake clock, rate limiting off unless a test turns it on, fault
/// decorators around the payment gateway and the unit of work, and every log line captured.
/// </summary>
public sealed class SafetyApiFactory : WebApplicationFactory<Program>
{
    private readonly SafetyHostOptions _options;
    private bool _ownsDirectory;

    public SafetyApiFactory(SafetyHostOptions? options = null)
        : this(options ?? new SafetyHostOptions(), NewDirectory(), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())), new SafetyFaults())
    {
    }

    private SafetyApiFactory(SafetyHostOptions options, string dataDirectory, FakeTimeProvider clock, SafetyFaults faults)
    {
        _options = options;
        DataDirectory = dataDirectory;
        Clock = clock;
        Faults = faults;
        _ownsDirectory = true;
    }

    public string DataDirectory { get; }

    /// <summary>Shared across restarts: time goes on where it was.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>Shared across restarts; disarm it before a restart that must run cleanly.</summary>
    public SafetyFaults Faults { get; }

    /// <summary>Every log line of every level, from every category.</summary>
    public SafetyLogSink Logs { get; } = new();

    public SafetyClient CreateSafetyClient() => new(this);

    /// <summary>
    /// Stops this host and starts a new one on the same database and simulator ledger, as after a
    /// crash: whatever was committed (by us or by the provider) is there, nothing in memory is.
    /// </summary>
    public SafetyApiFactory Restart()
    {
        var next = new SafetyApiFactory(_options, DataDirectory, Clock, Faults);
        _ownsDirectory = false;
        Dispose();
        return next;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_options.Environment);
        builder.UseSetting("DataDirectory", DataDirectory);
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Worker:InProcess", "false");
        builder.UseSetting("RateLimiting:Enabled", "false");
        foreach (var (key, value) in _options.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddFilter<SafetyLogSink>(null, LogLevel.Trace);
        });
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.RemoveAll<ILoggerProvider>();
            services.AddSingleton<ILoggerProvider>(Logs);
            if (_options.InjectFaults)
            {
                SafetyFaults.Install(services, Faults);
            }

            _options.Services?.Invoke(services);
        });
    }

    public async Task<T> QueryAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>Sends a command as the worker does: in its own scope, with no caller.</summary>
    public async Task<T> SendAsync<T>(Mediator.ICommand<T> command)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command);
    }

    /// <summary>Sends a process command (a money process that commits its own steps).</summary>
    public async Task<T> SendAsync<T>(Mediator.IRequest<T> command)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command);
    }

    /// <summary>What the outbox worker would do now: every due message, until none is left.</summary>
    public Task<int> DrainOutboxAsync() => Services.GetRequiredService<OutboxDispatcher>().DrainAsync(CancellationToken.None);

    /// <summary>One run of the payout job.</summary>
    public Task<int> RunPayoutJobAsync() => SendAsync(new Application.Payouts.Execution.PayDuePayoutsCommand());

    /// <summary>One run of the funding reconciliation job.</summary>
    public Task<int> RunReconciliationAsync() => SendAsync(new Application.Milestones.Funding.ReconcileFundingsCommand());

    public PaymentSimulator Simulator => Services.GetRequiredService<PaymentSimulator>();

    /// <summary>The PaymentIntents the provider holds for one funding attempt of a milestone.</summary>
    public IReadOnlyList<SimPaymentIntent> PaymentIntentsOf(Guid milestoneId, int? attempt = null) =>
        Simulator.PaymentIntents()
            .Where(pi => pi.Metadata.TryGetValue("milestone_id", out var id) && id == milestoneId.ToString()
                && (attempt is null || (pi.Metadata.TryGetValue("funding_attempt", out var a) && a == attempt.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToList();

    public IReadOnlyList<SimTransfer> TransfersOf(Guid milestoneId) =>
        Simulator.Transfers().Where(t => t.TransferGroup == milestoneId.ToString()).ToList();

    public Task<Milestone> LoadMilestoneAsync(Guid id) => QueryAsync(db =>
        db.Set<Milestone>().AsNoTracking().SingleAsync(m => m.Id == new MilestoneId(id)));

    public Task<int> CountOutboxAsync(string type, Guid milestoneId) => QueryAsync(db =>
        db.OutboxMessages.CountAsync(m => m.Type == type && m.Payload.Contains(milestoneId.ToString())));

    public Task<List<Domain.Invoices.Invoice>> InvoicesOfAsync(Guid milestoneId) => QueryAsync(db =>
        db.Set<Domain.Invoices.Invoice>().AsNoTracking().Where(i => i.MilestoneId == new MilestoneId(milestoneId)).ToListAsync());

    /// <summary>
    /// Finishes the trainer's hosted onboarding on the simulator and syncs the account, as the
    /// simulator's page does (that page is not mapped while the gateway is decorated).
    /// </summary>
    public async Task CompleteOnboardingAsync(string connectedAccountId)
    {
        Assert.NotNull(Simulator.CompleteOnboarding(connectedAccountId));
        Assert.True(await SendAsync(new Application.Payouts.Accounts.SyncPayoutAccountCommand(connectedAccountId)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDirectory && Directory.Exists(DataDirectory))
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a late connection: the OS temp cleaner takes it.
            }
        }
    }

    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "opentrain-safety", Guid.NewGuid().ToString("N"));
}

/// <summary>One factory per test class, for tests that need no restart.</summary>
public sealed class SafetyFixture : IDisposable
{
    public SafetyApiFactory Factory { get; } = new();

    public void Dispose() => Factory.Dispose();
}
