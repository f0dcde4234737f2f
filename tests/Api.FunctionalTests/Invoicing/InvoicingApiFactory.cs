using Mediator;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Payouts.Execution;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>
/// The API in Development on its own SQLite file and simulator ledger, with no background job running
/// by itself (the tests drain the outbox and run the payout job), no rate limits, a configured invoice
/// issuer and a fake clock that dev tokens are also validated against, so it can move over days.
/// </summary>
public class InvoicingApiFactory : WebApplicationFactory<Program>
{
    public const string IssuerName = "OpenTrain Test Issuer Ltd";

    public static readonly string[] IssuerAddress = ["77 Ledger Lane, Suite 5", "Springfield, OR 97477", "United States of Testing"];

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "opentrain-invoicing", Guid.NewGuid().ToString("N"));

    /// <summary>Starts at the real "now" (whole seconds), so issue dates are today's unless a test moves it.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public PaymentSimulator Simulator => Services.GetRequiredService<PaymentSimulator>();

    public InvoicingApi CreateApi() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    /// <summary>What the outbox job does on each tick.</summary>
    public Task<int> DrainOutboxAsync() => Services.GetRequiredService<OutboxDispatcher>().DrainAsync(CancellationToken.None);

    /// <summary>What the payout job does on each tick.</summary>
    public Task<int> RunPayoutJobAsync() => SendAsync(new PayDuePayoutsCommand());

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

    public async Task<T> QueryAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>
    /// Every milestone's and invoice's state and version, the row counts that a refused request must not
    /// move, and the provider's refunds: equal snapshots mean nothing was written anywhere.
    /// </summary>
    public Task<string> SnapshotAsync() => QueryAsync(async db =>
    {
        var milestones = await db.Set<Milestone>().AsNoTracking().Select(m => new { m.Id, m.Status, m.Version }).ToListAsync();
        var invoices = await db.Set<Invoice>().AsNoTracking().Select(i => new { i.Id, i.Number, i.PaymentStatus, i.Version }).ToListAsync();
        var lines = milestones.Select(m => $"milestone {m.Id.Value} {m.Status} v{m.Version}")
            .Concat(invoices.Select(i => $"invoice {i.Number} {i.PaymentStatus} v{i.Version}"))
            .Order(StringComparer.Ordinal)
            .Append($"outbox {await db.OutboxMessages.CountAsync()}")
            .Append($"sequences {string.Join(",", await db.InvoiceSequences.AsNoTracking().OrderBy(s => s.Prefix).Select(s => s.Prefix + s.LastNumber).ToListAsync())}")
            .Append($"provider refunds {Simulator.Refunds().Count}");
        return string.Join('\n', lines);
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Development");
        builder.UseSetting("DataDirectory", _dataDirectory);
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Worker:InProcess", "false");
        builder.UseSetting("RateLimiting:Enabled", "false");

        // Tests move the clock over days (reports by issue date): tokens minted on it must outlive that.
        builder.UseSetting("Auth:DevTokenLifetime", "60.00:00:00");
        builder.UseSetting("Invoices:IssuerName", IssuerName);
        for (var i = 0; i < IssuerAddress.Length; i++)
        {
            builder.UseSetting($"Invoices:IssuerAddress:{i}", IssuerAddress[i]);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);

            // Dev tokens are minted on the fake clock: check their lifetime on it too, so the clock may move days.
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
                options.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, parameters) =>
                {
                    var now = Clock.GetUtcNow().UtcDateTime;
                    return (notBefore is null || notBefore <= now + parameters.ClockSkew) && (expires is null || expires >= now - parameters.ClockSkew);
                });
            ConfigureTestServices(services);
        });
    }

    /// <summary>Replacements for one test class, after the common ones.</summary>
    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
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
