using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Billing;

public enum PaymentMethodType
{
    Card,
    UsBankAccount,
}

public enum BillingPlan
{
    None,
    Agency,
    Recruiting,
}

public enum SubscriptionStatus
{
    None,
    Incomplete,
    Active,
    PastDue,
    Canceled,
}

/// <summary>What Stripe tells us of a payment method; card data itself never reaches us.</summary>
public sealed record PaymentMethodSummary(string ProviderId, PaymentMethodType Type, string? Brand, string? Last4);

public sealed record DefaultPaymentMethodChanged(UserId EmployerId, string PaymentMethodId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>The plan, the subscription's status or the subscription itself changed.</summary>
public sealed record EmployerSubscriptionUpdated(UserId EmployerId, BillingPlan Plan, SubscriptionStatus Status, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>The employer's side of Stripe: customer, default payment method and plan.</summary>
public sealed class EmployerBillingProfile : AggregateRoot<UserId>
{
    public const string PaymentMethodRequired = "payment_method_required";
    public const string SubscriptionRequired = "subscription_required";
    public const string CustomerAlreadyLinked = "customer_already_linked";
    public const string CustomerRequired = "customer_required";

    private EmployerBillingProfile()
    {
    }

    public string? CustomerId { get; private set; }

    public PaymentMethodSummary? DefaultPaymentMethod { get; private set; }

    public BillingPlan Plan { get; private set; }

    public SubscriptionStatus SubscriptionStatus { get; private set; }

    public string? SubscriptionId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static EmployerBillingProfile Open(UserId employerId, DateTimeOffset now) => new()
    {
        Id = employerId,
        Plan = BillingPlan.None,
        SubscriptionStatus = SubscriptionStatus.None,
        CreatedAt = now,
    };

    public void LinkCustomer(string customerId)
    {
        if (CustomerId is not null && CustomerId != customerId)
        {
            throw new DomainException(CustomerAlreadyLinked, $"Employer {Id} already has customer {CustomerId}.");
        }

        CustomerId = customerId;
    }

    public void SetDefaultPaymentMethod(PaymentMethodSummary paymentMethod, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(paymentMethod);
        if (CustomerId is null)
        {
            throw new DomainException(CustomerRequired, "A payment method is attached to a customer; link the customer first.");
        }

        DefaultPaymentMethod = paymentMethod;
        Raise(new DefaultPaymentMethodChanged(Id, paymentMethod.ProviderId, now));
    }

    public void ChangePlan(BillingPlan plan, SubscriptionStatus status, string? subscriptionId, DateTimeOffset now)
    {
        if (Plan == plan && SubscriptionStatus == status && SubscriptionId == subscriptionId)
        {
            return;
        }

        Plan = plan;
        SubscriptionStatus = status;
        SubscriptionId = subscriptionId;
        Raise(new EmployerSubscriptionUpdated(Id, plan, status, now));
    }

    /// <summary>Funding needs a payment method and, on plans that require one, an active subscription.</summary>
    public PaymentMethodSummary EnsureCanFund()
    {
        if (DefaultPaymentMethod is null || CustomerId is null)
        {
            throw new DomainException(PaymentMethodRequired, "Add a payment method (Settings → Billing, or POST /api/v1/billing/payment-methods) before funding a milestone.");
        }

        if (Plan != BillingPlan.None && SubscriptionStatus != SubscriptionStatus.Active)
        {
            var plan = Plan.ToString().ToLowerInvariant();
            var way = SubscriptionStatus switch
            {
                SubscriptionStatus.Incomplete =>
                    $"Its first payment is not complete: confirm it with Stripe.js using the clientSecret that POST /api/v1/billing/subscription {{\"plan\":\"{plan}\"}} returns (call it again to get it and, once confirmed, to activate the plan), or attach another payment method and call it again.",
                SubscriptionStatus.PastDue =>
                    "Its latest invoice is unpaid: attach a working payment method (POST /api/v1/billing/payment-methods); the plan becomes active again when the invoice is paid.",
                _ => $"It is {(SubscriptionStatus == SubscriptionStatus.Canceled ? "cancelled" : "not started")}: subscribe again with POST /api/v1/billing/subscription {{\"plan\":\"{plan}\"}}; funding works as soon as the subscription is active.",
            };
            throw new DomainException(
                SubscriptionRequired,
                $"The {plan} plan needs an active subscription before milestones can be funded. {way}",
                new Dictionary<string, object?>
                {
                    ["plan"] = plan,
                    ["subscriptionStatus"] = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(SubscriptionStatus.ToString()),
                    ["nextAction"] = SubscriptionStatus == SubscriptionStatus.PastDue ? "POST /api/v1/billing/payment-methods" : "POST /api/v1/billing/subscription",
                });
        }

        return DefaultPaymentMethod;
    }
}
