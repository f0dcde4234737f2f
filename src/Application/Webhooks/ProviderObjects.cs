using System.Linq.Expressions;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>Finds our aggregate behind a provider's object (a charge, a transfer, a customer), loaded for a change.</summary>
internal static class ProviderObjects
{
    public static async Task<Milestone?> FindMilestoneAsync(
        this IMilestoneRepository milestones, IReadStore store, Expression<Func<Milestone, bool>> predicate, CancellationToken cancellationToken)
    {
        var id = await store.FirstOrDefaultAsync(store.Query<Milestone>().Where(predicate).Select(m => (MilestoneId?)m.Id), cancellationToken);
        return id is null ? null : await milestones.FindAsync(id.Value, cancellationToken);
    }

    public static async Task<EmployerBillingProfile?> FindByCustomerAsync(
        this IRepository<EmployerBillingProfile, UserId> profiles, IReadStore store, string customerId, CancellationToken cancellationToken)
    {
        var id = await store.FirstOrDefaultAsync(store.Query<EmployerBillingProfile>().Where(p => p.CustomerId == customerId).Select(p => (UserId?)p.Id), cancellationToken);
        return id is null ? null : await profiles.FindAsync(id.Value, cancellationToken);
    }
}
