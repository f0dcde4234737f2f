using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Contracts;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Billing.GetBilling;

public sealed record GetBillingQuery : IQuery<BillingResponse>;

public sealed class GetBillingHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetBillingQuery, BillingResponse>
{
    public async ValueTask<BillingResponse> Handle(GetBillingQuery query, CancellationToken cancellationToken)
    {
        var employerId = user.Id;
        var profile = await store.FirstOrDefaultAsync(store.Query<EmployerBillingProfile>().Where(p => p.Id == employerId), cancellationToken);
        return ToResponse(profile, await EscrowOfAsync(store, employerId, cancellationToken));
    }

    /// <summary>What the employer holds in escrow across all their milestones.</summary>
    internal static async Task<EscrowSummary> EscrowOfAsync(IReadStore store, UserId employerId, CancellationToken cancellationToken)
    {
        var milestones = await store.ToListAsync(
            store.Query<Milestone>().Where(m => m.EmployerId == employerId).Select(m => new { m.Status, m.Amount }),
            cancellationToken);
        return EscrowSummary.From(milestones.Select(m => (m.Status, m.Amount.Amount)));
    }

    internal static BillingResponse ToResponse(EmployerBillingProfile? profile, EscrowSummary escrow) => new(
        profile?.CustomerId,
        profile?.DefaultPaymentMethod is { } pm ? new PaymentMethodResponse(pm.ProviderId, pm.Type, pm.Brand, pm.Last4) : null,
        profile?.Plan ?? BillingPlan.None,
        profile?.SubscriptionStatus ?? SubscriptionStatus.None,
        escrow);
}
