using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Infrastructure.Persistence.Repositories;

internal class EfRepository<TAggregate, TId>(AppDbContext db) : IRepository<TAggregate, TId>
    where TAggregate : class, IAggregateRoot
    where TId : struct
{
    protected AppDbContext Db { get; } = db;

    public ValueTask<TAggregate?> FindAsync(TId id, CancellationToken cancellationToken) =>
        Db.Set<TAggregate>().FindAsync([id], cancellationToken);

    public async Task<IReadOnlyList<TAggregate>> ListAsync(IReadOnlyCollection<TId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        var key = Db.Model.FindEntityType(typeof(TAggregate))!.FindPrimaryKey()!.Properties[0].Name;
        return await Db.Set<TAggregate>().Where(a => ids.Contains(EF.Property<TId>(a, key))).ToListAsync(cancellationToken);
    }

    public void Add(TAggregate aggregate) => Db.Set<TAggregate>().Add(aggregate);
}

internal sealed class MilestoneRepository(AppDbContext db) : EfRepository<Milestone, MilestoneId>(db), IMilestoneRepository
{
    public async Task<IReadOnlyList<Milestone>> ListAwaitingPayoutSetupAsync(UserId trainerId, CancellationToken cancellationToken) =>
        await Db.Set<Milestone>()
            .Where(m => m.TrainerId == trainerId && m.Status == MilestoneStatus.PayoutPending
                && m.Payout.Status == PayoutStatus.Pending && m.Payout.Reason == PayoutPendingReason.PayoutSetupIncomplete)
            .ToListAsync(cancellationToken);
}

internal sealed class InvoiceRepository(AppDbContext db) : EfRepository<Invoice, InvoiceId>(db), IInvoiceRepository
{
    public async Task<Invoice?> FindFundingInvoiceAsync(MilestoneId milestoneId, int attempt, CancellationToken cancellationToken)
    {
        var tracked = Db.ChangeTracker.Entries<Invoice>()
            .Select(e => e.Entity)
            .FirstOrDefault(i => i.Kind == InvoiceKind.EmployerFunding && i.MilestoneId == milestoneId && i.FundingAttempt == attempt);
        return tracked ?? await Db.Set<Invoice>().FirstOrDefaultAsync(
            i => i.MilestoneId == milestoneId && i.Kind == InvoiceKind.EmployerFunding && i.FundingAttempt == attempt,
            cancellationToken);
    }
}
