using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Abstractions;

/// <summary>
/// Every idempotency key sent to the payment provider is formed here and nowhere else. Each is
/// derived from our ids, so a repeated call (after a crash, a timeout, by a second worker) finds the
/// object the first call made instead of making another: the last guard against charging or paying
/// twice. The provider remembers a key for about a day, so a format must not change while calls
/// made under the old one may still be repeated.
/// </summary>
public static class ProviderIdempotencyKeys
{
    /// <summary>At most one charge per funding attempt; a new attempt (after a decline) is a new charge.</summary>
    public static string Funding(MilestoneId milestone, int attempt) =>
        $"fund-{milestone.Value:N}-{attempt.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>At most one transfer per milestone, whatever retries, deferrals and admin retries happen.</summary>
    public static string Payout(MilestoneId milestone) => $"payout-{milestone.Value:N}";

    /// <summary>At most one refund per milestone, ever.</summary>
    public static string Refund(MilestoneId milestone) => $"refund-{milestone.Value:N}";

    /// <summary>At most one refund of a charge that succeeded for an attempt the milestone no longer follows.</summary>
    public static string SupersededChargeRefund(string paymentIntentId) => $"orphan-refund-{paymentIntentId}";

    public static string Customer(UserId employer) => $"customer-{employer.Value:N}";

    public static string AttachPaymentMethod(string customerId, string paymentMethodId) => $"attach-{customerId}-{paymentMethodId}";

    public static string DefaultPaymentMethod(string customerId, string paymentMethodId) => $"default-pm-{customerId}-{paymentMethodId}";

    public static string ConnectedAccount(UserId trainer) => $"account-{trainer.Value:N}";

    /// <summary>One subscription per plan change: the profile's version tells a new request from a repeat.</summary>
    public static string Subscription(UserId employer, BillingPlan plan, int profileVersion) =>
        $"subscribe-{employer.Value:N}-{plan.ToString().ToLowerInvariant()}-{profileVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
