using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Abstractions;

/// <summary>Loads an aggregate for a change and adds new ones; saving is the unit of work's job.</summary>
public interface IRepository<TAggregate, in TId>
    where TAggregate : class, IAggregateRoot
    where TId : struct
{
    ValueTask<TAggregate?> FindAsync(TId id, CancellationToken cancellationToken);

    /// <summary>The aggregates of these ids that exist, tracked for a change like <see cref="FindAsync"/>; the EF Core repositories read them in one query (a batch).</summary>
    async Task<IReadOnlyList<TAggregate>> ListAsync(IReadOnlyCollection<TId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new List<TAggregate>(ids.Count);
        foreach (var id in ids)
        {
            if (await FindAsync(id, cancellationToken) is { } aggregate)
            {
                found.Add(aggregate);
            }
        }

        return found;
    }

    void Add(TAggregate aggregate);
}

public interface IInvoiceRepository : IRepository<Invoice, InvoiceId>
{
    Task<Invoice?> FindFundingInvoiceAsync(MilestoneId milestoneId, int attempt, CancellationToken cancellationToken);
}

public interface IMilestoneRepository : IRepository<Milestone, MilestoneId>
{
    /// <summary>The trainer's approved milestones whose payout waits for their payout setup.</summary>
    Task<IReadOnlyList<Milestone>> ListAwaitingPayoutSetupAsync(UserId trainerId, CancellationToken cancellationToken);
}

/// <summary>
/// Leases due payouts to the calling worker in one statement per provider: each due payout goes to
/// exactly one of any number of workers, which skip each other's rows instead of waiting for them.
/// The lease is the payout's next attempt time moved to <c>leaseUntil</c> (and its version bumped).
/// </summary>
public interface IPayoutClaims
{
    Task<IReadOnlyList<MilestoneId>> ClaimDueAsync(int batchSize, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);
}

/// <summary>Hands out invoice numbers, gap-free per kind and year, inside the current transaction.</summary>
public interface IInvoiceNumberSequence
{
    Task<string> NextAsync(InvoiceKind kind, int year, CancellationToken cancellationToken);

    /// <summary><paramref name="count"/> consecutive numbers in one statement (a batch of invoices of one kind and year).</summary>
    Task<IReadOnlyList<string>> NextAsync(InvoiceKind kind, int year, int count, CancellationToken cancellationToken);
}

/// <summary>
/// One transaction around a command: everything the handler changed is saved, with its outbox
/// rows, and committed together, or nothing is.
/// </summary>
public interface IUnitOfWork
{
    Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}

/// <summary>
/// The read side: no-tracking queryables that handlers project straight into responses, and the
/// async executors for them (the application does not reference EF Core).
/// </summary>
public interface IReadStore
{
    IQueryable<T> Query<T>()
        where T : class;

    Task<List<T>> ToListAsync<T>(IQueryable<T> query, CancellationToken cancellationToken);

    Task<T?> FirstOrDefaultAsync<T>(IQueryable<T> query, CancellationToken cancellationToken);

    Task<bool> AnyAsync<T>(IQueryable<T> query, CancellationToken cancellationToken);

    /// <summary>
    /// Runs a hot read compiled once (<see cref="CompiledRead{TArgs, TResult}"/>): its first row, or default.
    /// A store that compiles nothing runs the same read as a query of its own (<see cref="CompiledRead{TArgs, TResult}.Bind"/>).
    /// </summary>
    Task<TResult?> FirstOrDefaultAsync<TArgs, TResult>(CompiledRead<TArgs, TResult> read, TArgs args, CancellationToken cancellationToken)
        where TArgs : struct => FirstOrDefaultAsync(read.Bind(this, args), cancellationToken);

    /// <summary>Runs a hot read compiled once (<see cref="CompiledRead{TArgs, TResult}"/>): all its rows.</summary>
    Task<List<TResult>> ToListAsync<TArgs, TResult>(CompiledRead<TArgs, TResult> read, TArgs args, CancellationToken cancellationToken)
        where TArgs : struct => ToListAsync(read.Bind(this, args), cancellationToken);
}
