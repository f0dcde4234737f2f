using BenchmarkDotNet.Attributes;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Application;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.AddMilestone;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Invoices;

namespace OpenTrain.Clean.Bench.Micro;

/// <summary>
/// The in-process paths every request or job walks through, without I/O: the mediator pipeline
/// (logging, validation, unit of work) around a real handler with in-memory ports, the hand-written
/// response mapping, the milestone state machine and the invoice PDF.
/// </summary>
[MemoryDiagnoser]
public class HotPaths
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly UserId Employer = new(Guid.Parse("00000000-0000-0000-0000-00000000e001"));
    private static readonly UserId Trainer = new(Guid.Parse("00000000-0000-0000-0000-00000000f001"));

    private ServiceProvider _services = null!;
    private Guid _contractId;
    private Milestone _paid = null!;
    private InvoiceDocument _invoice = null!;
    private PdfInvoiceRenderer _renderer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var job = Job.Create(Employer, "RLHF preference labelling", null, Now);
        var contract = Contract.Hire(job, Trainer, Now);
        _contractId = contract.Id.Value;

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddApplication();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ICurrentUser>(new SignedIn(Employer));
        services.AddSingleton<IRepository<Contract, ContractId>>(new InMemory<Contract, ContractId>(contract));
        services.AddSingleton<IRepository<Job, JobId>>(new InMemory<Job, JobId>(job));
        services.AddSingleton<IMilestoneRepository>(new Milestones());
        services.AddSingleton<IUnitOfWork>(new NoTransaction());
        _services = services.BuildServiceProvider();

        _paid = Lifecycle();
        _renderer = new PdfInvoiceRenderer();
        _invoice = new InvoiceDocument(
            "Invoice",
            "INV-2026-000042",
            Now,
            new InvoiceParty("From", "OpenTrain AI", ["1 Market Street", "San Francisco, CA 94105", "United States"]),
            new InvoiceParty("Bill to", "Ada Employer", ["ada@example.test"]),
            "RLHF preference labelling",
            "First 1,000 preference pairs, reviewed twice",
            "fixed_price_milestone",
            [new InvoiceDocumentLine("Milestone: First 1,000 preference pairs", 50_000), new InvoiceDocumentLine("Marketplace fee", 5_000), new InvoiceDocumentLine("Contract initiation fee", 995)],
            55_995,
            "USD",
            "paid",
            "pi_sim_0123456789");
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>AddMilestoneCommand through ISender: scope, logging, FluentValidation, unit of work, handler, mapping.</summary>
    [Benchmark]
    public async Task<MilestoneResponse> MediatorPipeline()
    {
        await using var scope = _services.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        return await sender.Send(new AddMilestoneCommand(_contractId, "Next 2,000 preference pairs", 120_000, "Batch 2"));
    }

    /// <summary>A paid milestone with its timeline to the API's response record.</summary>
    [Benchmark]
    public MilestoneResponse MapToResponse() => _paid.ToResponse(viewerIsEmployer: true, includeTimeline: true);

    /// <summary>Create, fund, submit, approve, claim the payout, pay: every transition with its guard, timeline entry and event.</summary>
    [Benchmark]
    public Milestone Lifecycle()
    {
        var milestone = Milestone.Create(new ContractId(Guid.CreateVersion7()), new JobId(Guid.CreateVersion7()), Employer, Trainer, 1, "Batch 1", "First 1,000 preference pairs", Money.FromCents(50_000), null, FeeSchedule.Default, Now);
        var attempt = milestone.BeginFunding(Employer, Now);
        milestone.MarkFunded(attempt.Number, "pi_sim_1", "ch_sim_1", Now.AddSeconds(1));
        milestone.Submit(Trainer, "Delivered", Now.AddHours(1));
        milestone.Approve(Employer, Now.AddHours(2));
        milestone.ClaimPayoutAttempt(Now.AddHours(2), Now.AddHours(2).AddMinutes(5));
        milestone.MarkPaid("tr_sim_1", Now.AddHours(2).AddSeconds(1));
        return milestone;
    }

    /// <summary>A three-line funding invoice to PDF bytes (fonts embedded).</summary>
    [Benchmark]
    public byte[] RenderInvoicePdf() => _renderer.Render(_invoice);

    private sealed class SignedIn(UserId id) : ICurrentUser
    {
        public UserId Id { get; } = id;

        public UserRole Role => UserRole.Employer;

        public string? Name => "Ada Employer";

        public string? Email => "ada@example.test";
    }

    private class InMemory<T, TId>(params T[] items) : IRepository<T, TId>
        where T : AggregateRoot<TId>
        where TId : struct
    {
        public ValueTask<T?> FindAsync(TId id, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Array.Find(items, item => item.Id.Equals(id)));

        public void Add(T aggregate)
        {
            // Nothing is kept: every benchmark iteration adds one.
        }
    }

    private sealed class Milestones : InMemory<Milestone, MilestoneId>, IMilestoneRepository
    {
        public Task<IReadOnlyList<Milestone>> ListAwaitingPayoutSetupAsync(UserId trainerId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Milestone>>([]);
    }

    private sealed class NoTransaction : IUnitOfWork
    {
        public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) => work(cancellationToken);
    }
}
