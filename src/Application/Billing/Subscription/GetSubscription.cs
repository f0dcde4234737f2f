using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Application.Billing.Subscription;

/// <summary>The employer's plan and where its subscription stands.</summary>
public sealed record GetSubscriptionQuery : IQuery<SubscriptionResponse>;

public sealed class GetSubscriptionHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetSubscriptionQuery, SubscriptionResponse>
{
    public async ValueTask<SubscriptionResponse> Handle(GetSubscriptionQuery query, CancellationToken cancellationToken)
    {
        var employerId = user.Id;
        var profile = await store.FirstOrDefaultAsync(store.Query<EmployerBillingProfile>().Where(p => p.Id == employerId), cancellationToken);
        return new SubscriptionResponse(profile?.Plan ?? BillingPlan.None, profile?.SubscriptionStatus ?? SubscriptionStatus.None, profile?.SubscriptionId, null);
    }
}
