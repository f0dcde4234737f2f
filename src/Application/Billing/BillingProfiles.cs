using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Application.Billing;

/// <summary>The caller's billing profile, opened and linked to a provider customer on first need.</summary>
public sealed class BillingProfiles(
    IRepository<EmployerBillingProfile, UserId> profiles,
    IRepository<UserProfile, UserId> users,
    IPaymentGateway payments,
    ICurrentUser user,
    TimeProvider clock)
{
    public async Task<EmployerBillingProfile> WithCustomerAsync(CancellationToken cancellationToken)
    {
        var profile = await profiles.FindAsync(user.Id, cancellationToken);
        if (profile is null)
        {
            profile = EmployerBillingProfile.Open(user.Id, clock.GetUtcNow());
            profiles.Add(profile);
        }

        if (profile.CustomerId is null)
        {
            var employer = await users.FindAsync(user.Id, cancellationToken);
            var customerId = await payments.EnsureCustomerAsync(
                new CustomerRequest(user.Id, employer?.Name ?? user.Name ?? string.Empty, employer?.Email ?? user.Email ?? string.Empty),
                cancellationToken);
            profile.LinkCustomer(customerId);
        }

        return profile;
    }
}
