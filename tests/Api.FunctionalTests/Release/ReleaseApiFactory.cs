using Mediator;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Application.Payouts.Execution;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Api.FunctionalTests.Release;

/// <summary>
/// The API in Development on its own SQLite file and simulator ledger, with no Quartz job running by
/// itself: tests drive the outbox, the payout job and reconciliation explicitly, on a fake clock.
/// </summary>
public class ReleaseApiFactory : WebApplicationFactory<Program>
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"opentrain-release-api-{Guid.NewGuid():N}");

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public string DataDirectory => _dataDirectory;

    public PaymentSimulator Simulator => Services.GetRequiredService<PaymentSimulator>();

    /// <summary>What the outbox job does on each tick.</summary>
    public Task<int> DrainOutboxAsync() => Services.GetRequiredService<OutboxDispatcher>().DrainAsync(CancellationToken.None);

    /// <summary>What the payout job does on each tick.</summary>
    public Task<int> RunPayoutJobAsync() => SendAsync(new PayDuePayoutsCommand());

    /// <summary>What the funding reconciliation job does on each tick.</summary>
    public Task<int> RunReconciliationJobAsync() => SendAsync(new ReconcileFundingsCommand());

    public async Task<TResponse> SendAsync<TResponse>(ICommand<TResponse> command)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, CancellationToken.None);
    }

    /// <summary>Sends a process command (a money process that commits its own steps).</summary>
    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> command)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, CancellationToken.None);
    }

    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>Settings beyond the common ones (UseSetting: they reach Program before it registers anything).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Development");
        builder.UseSetting("DataDirectory", _dataDirectory);
        builder.UseSetting("Worker:InProcess", "false");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);

            // Dev tokens are minted on the injected (fake) clock, while the token handler reads the system clock:
            // check their lifetime on the fake clock too, with the configured skew, or advancing time breaks sign-in.
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
                options.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, parameters) =>
                {
                    var now = Clock.GetUtcNow().UtcDateTime;
                    return (notBefore is null || notBefore <= now + parameters.ClockSkew) && (expires is null || expires >= now - parameters.ClockSkew);
                });
            ConfigureTestServices(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the OS temp directory is cleaned anyway.
            }
        }
    }
}
