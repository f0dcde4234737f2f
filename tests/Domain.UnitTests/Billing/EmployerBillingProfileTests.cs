using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.UnitTests.Billing;

public sealed class EmployerBillingProfileTests
{
    private static readonly PaymentMethodSummary _visa = new("pm_card_visa", PaymentMethodType.Card, "visa", "4242");

    [Fact]
    public void EnsureCanFund_WhenNoPaymentMethod_RefusesWithPaymentMethodRequired()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.LinkCustomer("cus_1");

        var error = Assert.Throws<DomainException>(profile.EnsureCanFund);

        Assert.Equal("payment_method_required", error.Code);
    }

    [Fact]
    public void EnsureCanFund_WhenPaymentMethodIsSetAndNoPlan_ReturnsTheDefaultMethod()
    {
        var profile = WithVisa();

        var method = profile.EnsureCanFund();

        Assert.Equal(_visa, method);
    }

    [Theory]
    [InlineData(BillingPlan.Agency, SubscriptionStatus.None)]
    [InlineData(BillingPlan.Agency, SubscriptionStatus.Incomplete)]
    [InlineData(BillingPlan.Recruiting, SubscriptionStatus.PastDue)]
    [InlineData(BillingPlan.Recruiting, SubscriptionStatus.Canceled)]
    public void EnsureCanFund_WhenPlanHasNoActiveSubscription_RefusesWithSubscriptionRequired(BillingPlan plan, SubscriptionStatus status)
    {
        var profile = WithVisa();
        profile.ChangePlan(plan, status, "sub_1", Moments.Now);

        var error = Assert.Throws<DomainException>(profile.EnsureCanFund);

        Assert.Equal("subscription_required", error.Code);
    }

    [Theory]
    [InlineData(BillingPlan.Agency)]
    [InlineData(BillingPlan.Recruiting)]
    public void EnsureCanFund_WhenPlanSubscriptionIsActive_ReturnsTheDefaultMethod(BillingPlan plan)
    {
        var profile = WithVisa();
        profile.ChangePlan(plan, SubscriptionStatus.Active, "sub_1", Moments.Now);

        Assert.Equal(_visa, profile.EnsureCanFund());
    }

    [Fact]
    public void EnsureCanFund_WhenPlanLacksSubscriptionAndNoPaymentMethod_AsksForThePaymentMethodFirst()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.ChangePlan(BillingPlan.Agency, SubscriptionStatus.Incomplete, null, Moments.Now);

        var error = Assert.Throws<DomainException>(profile.EnsureCanFund);

        Assert.Equal("payment_method_required", error.Code);
    }

    [Fact]
    public void SetDefaultPaymentMethod_WithoutACustomer_RefusesWithCustomerRequired()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);

        var error = Assert.Throws<DomainException>(() => profile.SetDefaultPaymentMethod(_visa, Moments.Later));

        Assert.Equal("customer_required", error.Code);
        Assert.Null(profile.DefaultPaymentMethod);
        Assert.Empty(profile.DomainEvents);
    }

    [Fact]
    public void SetDefaultPaymentMethod_WithACustomer_StoresItAndRaisesDefaultPaymentMethodChanged()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.LinkCustomer("cus_1");

        profile.SetDefaultPaymentMethod(_visa, Moments.Later);

        Assert.Equal(_visa, profile.DefaultPaymentMethod);
        var changed = Assert.IsType<DefaultPaymentMethodChanged>(Assert.Single(profile.DomainEvents));
        Assert.Equal("pm_card_visa", changed.PaymentMethodId);
        Assert.Equal(Parties.Employer, changed.EmployerId);
    }

    [Fact]
    public void LinkCustomer_WhenAnotherCustomerIsLinked_RefusesWithCustomerAlreadyLinked()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.LinkCustomer("cus_1");

        var error = Assert.Throws<DomainException>(() => profile.LinkCustomer("cus_2"));

        Assert.Equal("customer_already_linked", error.Code);
        Assert.Equal("cus_1", profile.CustomerId);
    }

    [Fact]
    public void LinkCustomer_WhenTheSameCustomerIsLinkedAgain_KeepsIt()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.LinkCustomer("cus_1");

        profile.LinkCustomer("cus_1");

        Assert.Equal("cus_1", profile.CustomerId);
    }

    private static EmployerBillingProfile WithVisa()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.LinkCustomer("cus_1");
        profile.SetDefaultPaymentMethod(_visa, Moments.Now);
        return profile;
    }
}
