using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Users;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>
/// The API in the Development environment (so <c>POST /dev/token</c> exists) on its own SQLite file
/// and simulator ledger in a temp directory, with a fake clock set to the real "now" (tokens are
/// still validated against the wall clock, so it is never moved far).
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "opentrain-functional", Guid.NewGuid().ToString("N"));

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <summary>Every warning and error the API logged, to prove that nothing blew up behind a 4xx.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    public ApiClient CreateApiClient() => new(this);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("DataDirectory", _dataDirectory);
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.RemoveAll<ILoggerProvider>();
            services.AddSingleton<ILoggerProvider>(Logs);
        });
    }

    /// <summary>Runs a query against the API's database, outside any request.</summary>
    public async Task<T> QueryAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await query(db);
    }

    public Task<RowCounts> CountRowsAsync() => QueryAsync(async db => new RowCounts(
        await db.Set<UserProfile>().CountAsync(),
        await db.Set<EmployerBillingProfile>().CountAsync(),
        await db.Set<Job>().CountAsync(),
        await db.Set<Contract>().CountAsync(),
        await db.Set<Milestone>().CountAsync(),
        await db.Set<Invoice>().CountAsync(),
        await db.OutboxMessages.CountAsync(),
        await db.InvoiceSequences.CountAsync()));

    /// <summary>Row counts and every aggregate's status and concurrency version: equal snapshots mean nothing was written.</summary>
    public Task<StateSnapshot> SnapshotAsync() => QueryAsync(async db =>
    {
        var counts = await CountRowsAsync();
        var milestones = await db.Set<Milestone>().AsNoTracking().Select(m => new { m.Id, m.Status, m.Version, FundingAttempts = m.Funding.Attempts }).ToListAsync();
        var contracts = await db.Set<Contract>().AsNoTracking().Select(c => new { c.Id, c.Status, c.Version }).ToListAsync();
        var jobs = await db.Set<Job>().AsNoTracking().Select(j => new { j.Id, j.Status, j.Version }).ToListAsync();
        var invoices = await db.Set<Invoice>().AsNoTracking().Select(i => new { i.Id, i.PaymentStatus, i.Version }).ToListAsync();
        var profiles = await db.Set<EmployerBillingProfile>().AsNoTracking().Select(p => new { p.Id, p.Version }).ToListAsync();
        var lines = milestones.Select(m => $"milestone {m.Id} {m.Status} v{m.Version} a{m.FundingAttempts}")
            .Concat(contracts.Select(c => $"contract {c.Id} {c.Status} v{c.Version}"))
            .Concat(jobs.Select(j => $"job {j.Id} {j.Status} v{j.Version}"))
            .Concat(invoices.Select(i => $"invoice {i.Id} {i.PaymentStatus} v{i.Version}"))
            .Concat(profiles.Select(p => $"billing {p.Id} v{p.Version}"))
            .Order(StringComparer.Ordinal);
        return new StateSnapshot(counts, string.Join('\n', lines));
    });

    /// <summary>The payment intents the offline simulator created: one per charge attempt that reached the provider.</summary>
    public IReadOnlyList<SimPaymentIntent> PaymentIntents() =>
        Services.GetRequiredService<SimulatorStore>().List<SimPaymentIntent>("payment_intent");

    public Task<Milestone> LoadMilestoneAsync(Guid id) => QueryAsync(db =>
        db.Set<Milestone>().AsNoTracking().SingleAsync(m => m.Id == new MilestoneId(id)));

    public Task<Contract> LoadContractAsync(Guid id) => QueryAsync(db =>
        db.Set<Contract>().AsNoTracking().SingleAsync(c => c.Id == new ContractId(id)));

    public Task<Job> LoadJobAsync(Guid id) => QueryAsync(db =>
        db.Set<Job>().AsNoTracking().SingleAsync(j => j.Id == new JobId(id)));

    public Task<List<Invoice>> LoadInvoicesOfMilestoneAsync(Guid milestoneId) => QueryAsync(db =>
        db.Set<Invoice>().AsNoTracking().Where(i => i.MilestoneId == new MilestoneId(milestoneId)).OrderBy(i => i.Number).ToListAsync());

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

/// <summary>What the database holds, compact enough to compare before and after a request.</summary>
public sealed record StateSnapshot(RowCounts Counts, string Aggregates);

/// <summary>Rows per table: equal before and after a refused request means nothing was written.</summary>
public sealed record RowCounts(int Users, int BillingProfiles, int Jobs, int Contracts, int Milestones, int Invoices, int OutboxMessages, int InvoiceSequences);
