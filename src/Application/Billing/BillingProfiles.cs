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

        // The employer is known by the token's name and e-mail from the first billing step on, so that the invoices
        // of their fundings are issued to that name (frozen at issue), whether or not they ever called /me.
        var employer = await users.FindAsync(user.Id, cancellationToken);
        if (employer is null)
        {
            employer = UserProfile.Register(user.Id, user.Role, user.Name, user.Email, clock.GetUtcNow());
            users.Add(employer);
        }

        if (profile.CustomerId is null)
        {
            var customerId = await payments.EnsureCustomerAsync(
                new CustomerRequest(user.Id, employer.Name, employer.Email),
                cancellationToken);
            profile.LinkCustomer(customerId);
        }

        return profile;
    }
}
