using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Domain.UnitTests.Payouts;

public sealed class TrainerPayoutAccountTests
{
    [Fact]
    public void Start_WhenStarted_IsOnboardingAndCannotReceiveTransfers()
    {
        var account = TrainerPayoutAccount.Start(Parties.Trainer, "us", "acct_1", Moments.Now);

        Assert.Equal(PayoutAccountStatus.Onboarding, account.Status);
        Assert.Equal("US", account.Country);
        Assert.Equal("acct_1", account.ConnectedAccountId);
        Assert.False(account.PayoutsEnabled);
        Assert.False(account.CanReceiveTransfers);
        Assert.IsType<PayoutAccountUpdated>(Assert.Single(account.DomainEvents));
    }

    [Fact]
    public void ApplyProviderStatus_WhenPayoutsAndTransfersBecomeActive_EnablesAndRaisesPayoutAccountEnabled()
    {
        var account = NewAccount();

        account.ApplyProviderStatus(payoutsEnabled: true, transfersActive: true, [], detailsSubmitted: true, Moments.Later);

        Assert.Equal(PayoutAccountStatus.Enabled, account.Status);
        Assert.True(account.CanReceiveTransfers);
        var enabled = Assert.Single(account.DomainEvents.OfType<PayoutAccountEnabled>());
        Assert.Equal(Parties.Trainer, enabled.TrainerId);
        Assert.Equal(Moments.Later, enabled.OccurredAt);
    }

    [Fact]
    public void ApplyProviderStatus_WhenAlreadyEnabled_DoesNotRaisePayoutAccountEnabledAgain()
    {
        var account = NewAccount();
        account.ApplyProviderStatus(true, true, [], true, Moments.Now.AddHours(1));

        account.ApplyProviderStatus(true, true, [], true, Moments.Later);

        Assert.Single(account.DomainEvents.OfType<PayoutAccountEnabled>());
        Assert.Equal(Moments.Later, account.UpdatedAt);
    }

    [Fact]
    public void ApplyProviderStatus_WhenDetailsSubmittedButPayoutsDisabled_IsRestricted()
    {
        var account = NewAccount();

        account.ApplyProviderStatus(payoutsEnabled: false, transfersActive: false, ["external_account"], detailsSubmitted: true, Moments.Later);

        Assert.Equal(PayoutAccountStatus.Restricted, account.Status);
        Assert.False(account.CanReceiveTransfers);
        Assert.Equal(["external_account"], account.RequirementsDue);
        Assert.Empty(account.DomainEvents.OfType<PayoutAccountEnabled>());
    }

    [Fact]
    public void ApplyProviderStatus_WhenPayoutsEnabledButTransfersInactive_IsNotEnabled()
    {
        var account = NewAccount();

        account.ApplyProviderStatus(payoutsEnabled: true, transfersActive: false, [], detailsSubmitted: true, Moments.Later);

        Assert.Equal(PayoutAccountStatus.Restricted, account.Status);
        Assert.True(account.PayoutsEnabled);
        Assert.False(account.CanReceiveTransfers);
        Assert.Empty(account.DomainEvents.OfType<PayoutAccountEnabled>());
    }

    [Fact]
    public void ApplyProviderStatus_WhenDetailsNotSubmitted_StaysOnboarding()
    {
        var account = NewAccount();

        account.ApplyProviderStatus(payoutsEnabled: false, transfersActive: false, ["individual.dob.day", "external_account"], detailsSubmitted: false, Moments.Later);

        Assert.Equal(PayoutAccountStatus.Onboarding, account.Status);
        Assert.Equal(["individual.dob.day", "external_account"], account.RequirementsDue);
    }

    [Fact]
    public void ApplyProviderStatus_WhenReEnabledAfterRestriction_RaisesPayoutAccountEnabledAgain()
    {
        var account = NewAccount();
        account.ApplyProviderStatus(true, true, [], true, Moments.Now.AddHours(1));
        account.ApplyProviderStatus(false, false, ["external_account"], true, Moments.Now.AddHours(2));

        account.ApplyProviderStatus(true, true, [], true, Moments.Later);

        Assert.Equal(PayoutAccountStatus.Enabled, account.Status);
        Assert.Equal(2, account.DomainEvents.OfType<PayoutAccountEnabled>().Count());
        Assert.Empty(account.RequirementsDue);
    }

    private static TrainerPayoutAccount NewAccount() => TrainerPayoutAccount.Start(Parties.Trainer, "US", "acct_1", Moments.Now);
}
