using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Domain.UnitTests.Payouts;

/// <summary>The facts integrators hear about as payout_account.updated and subscription.updated.</summary>
public sealed class PayoutAccountUpdatedTests
{
    [Fact]
    public void ApplyProviderStatus_WhenTheRequirementsChange_RaisesPayoutAccountUpdated()
    {
        var account = TrainerPayoutAccount.Start(Parties.Trainer, "US", "acct_1", Moments.Now);
        account.ClearDomainEvents();

        account.ApplyProviderStatus(false, false, ["external_account"], false, Moments.Later);

        Assert.Equal(new PayoutAccountUpdated(Parties.Trainer, PayoutAccountStatus.Onboarding, Moments.Later), Assert.Single(account.DomainEvents));
    }

    [Fact]
    public void ApplyProviderStatus_WhenNothingChanged_RaisesNothing()
    {
        var account = TrainerPayoutAccount.Start(Parties.Trainer, "US", "acct_1", Moments.Now);
        account.ApplyProviderStatus(false, false, ["external_account"], false, Moments.Now);
        account.ClearDomainEvents();

        account.ApplyProviderStatus(false, false, ["external_account"], false, Moments.Later);

        Assert.Empty(account.DomainEvents);
    }

    [Fact]
    public void ChangePlan_WhenTheSubscriptionsStatusChanges_RaisesEmployerSubscriptionUpdated()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.ChangePlan(BillingPlan.Agency, SubscriptionStatus.Incomplete, "sub_1", Moments.Now);
        profile.ClearDomainEvents();

        profile.ChangePlan(BillingPlan.Agency, SubscriptionStatus.Active, "sub_1", Moments.Later);

        Assert.Equal(new EmployerSubscriptionUpdated(Parties.Employer, BillingPlan.Agency, SubscriptionStatus.Active, Moments.Later), Assert.Single(profile.DomainEvents));
    }

    [Fact]
    public void ChangePlan_WhenNothingChanged_RaisesNothing()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.ChangePlan(BillingPlan.Agency, SubscriptionStatus.Active, "sub_1", Moments.Now);
        profile.ClearDomainEvents();

        profile.ChangePlan(BillingPlan.Agency, SubscriptionStatus.Active, "sub_1", Moments.Later);

        Assert.Empty(profile.DomainEvents);
    }
}
