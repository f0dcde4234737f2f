using System.Globalization;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Application.Payouts.Accounts;
using OpenTrain.Clean.Application.Payouts.Execution;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Users;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>What a test reads and runs beside the HTTP surface: the database, the simulator, the jobs.</summary>
public partial class ApiFactory
{
    /// <summary>The offline payment provider's ledger (only when the host runs on the simulator).</summary>
    public PaymentSimulator Simulator => Services.GetRequiredService<PaymentSimulator>();

    /// <summary>Runs a query against the API's database, outside any request.</summary>
    public async Task<T> QueryAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>Sends a command as the worker does: in its own scope, with no caller.</summary>
    public async Task<TResponse> SendAsync<TResponse>(ICommand<TResponse> command)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, CancellationToken.None);
    }

    /// <summary>Sends a process command (a money process that commits its own steps) as the worker does.</summary>
    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> command)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, CancellationToken.None);
    }

    /// <summary>What the outbox job does on each tick: every due message, until none is left.</summary>
    public Task<int> DrainOutboxAsync() => Services.GetRequiredService<OutboxDispatcher>().DrainAsync(CancellationToken.None);

    /// <summary>What the payout job does on each tick.</summary>
    public Task<int> RunPayoutJobAsync() => SendAsync(new PayDuePayoutsCommand());

    /// <summary>What the funding reconciliation job does on each tick.</summary>
    public Task<int> RunReconciliationJobAsync() => SendAsync(new ReconcileFundingsCommand());

    /// <summary>
    /// Finishes the trainer's hosted onboarding on the simulator and syncs the account, as the
    /// simulator's page does (for hosts whose gateway is decorated).
    /// </summary>
    public async Task CompleteOnboardingAsync(string connectedAccountId)
    {
        Assert.NotNull(Simulator.CompleteOnboarding(connectedAccountId));
        Assert.True(await SendAsync(new SyncPayoutAccountCommand(connectedAccountId)));
    }

    /// <summary>The PaymentIntents the simulator holds for one milestone (one funding attempt of it when given).</summary>
    public IReadOnlyList<SimPaymentIntent> PaymentIntentsOf(Guid milestoneId, int? attempt = null) =>
        Simulator.PaymentIntents()
            .Where(pi => pi.Metadata.TryGetValue("milestone_id", out var id) && id == milestoneId.ToString()
                && (attempt is null || (pi.Metadata.TryGetValue("funding_attempt", out var a) && a == attempt.Value.ToString(CultureInfo.InvariantCulture))))
            .ToList();

    /// <summary>The simulator's transfers of one milestone (its transfer group).</summary>
    public IReadOnlyList<SimTransfer> TransfersOf(Guid milestoneId) =>
        Simulator.Transfers().Where(t => t.TransferGroup == milestoneId.ToString()).ToList();

    public Task<Milestone> LoadMilestoneAsync(Guid id) => QueryAsync(db =>
        db.Set<Milestone>().AsNoTracking().SingleAsync(m => m.Id == new MilestoneId(id)));

    public Task<Contract> LoadContractAsync(Guid id) => QueryAsync(db =>
        db.Set<Contract>().AsNoTracking().SingleAsync(c => c.Id == new ContractId(id)));

    public Task<Job> LoadJobAsync(Guid id) => QueryAsync(db =>
        db.Set<Job>().AsNoTracking().SingleAsync(j => j.Id == new JobId(id)));

    /// <summary>The invoices of one milestone, by number.</summary>
    public Task<List<Invoice>> LoadInvoicesOfMilestoneAsync(Guid milestoneId) => QueryAsync(db =>
        db.Set<Invoice>().AsNoTracking().Where(i => i.MilestoneId == new MilestoneId(milestoneId)).OrderBy(i => i.Number).ToListAsync());

    /// <summary>Outbox messages of one type that mention the milestone.</summary>
    public Task<int> CountOutboxAsync(string type, Guid milestoneId) => QueryAsync(db =>
        db.OutboxMessages.CountAsync(m => m.Type == type && m.Payload.Contains(milestoneId.ToString())));

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

    /// <summary>
    /// Every milestone's and invoice's state and version, the outbox and invoice sequences, and the
    /// provider's refunds: equal snapshots mean no money or document moved anywhere.
    /// </summary>
    public Task<string> LedgerSnapshotAsync() => QueryAsync(async db =>
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
}

/// <summary>What the database holds, compact enough to compare before and after a request.</summary>
public sealed record StateSnapshot(RowCounts Counts, string Aggregates);

/// <summary>Rows per table: equal before and after a refused request means nothing was written.</summary>
public sealed record RowCounts(int Users, int BillingProfiles, int Jobs, int Contracts, int Milestones, int Invoices, int OutboxMessages, int InvoiceSequences);
