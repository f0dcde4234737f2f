using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.UnitTests.Common;

/// <summary>The provider idempotency keys, all formed in one place and tested here once.</summary>
public sealed class ProviderIdempotencyKeysTests
{
    private static readonly FundingError _declined = new("card_declined", "Your card was declined.");

    [Fact]
    public void Funding_WhenRetriedAfterADecline_KeysEachAttemptByMilestoneAndAttemptNumber()
    {
        var milestone = new Escrow(Moments.Now).Milestone;

        var first = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFundingFailed(first.Number, _declined, Moments.Now.AddMinutes(1));
        var second = milestone.BeginFunding(Parties.Employer, Moments.Now.AddMinutes(2));

        var idN = milestone.Id.Value.ToString("N");
        Assert.Equal($"fund-{idN}-1", ProviderIdempotencyKeys.Funding(first.MilestoneId, first.Number));
        Assert.Equal($"fund-{idN}-2", ProviderIdempotencyKeys.Funding(second.MilestoneId, second.Number));
        Assert.Equal(milestone.Id, first.MilestoneId);
    }

    [Fact]
    public void Payout_ThroughTheWholeRelease_StaysTheSameDerivedKey()
    {
        var milestone = new Escrow(Moments.Now).Milestone;
        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFunded(attempt.Number, "pi_1", "ch_1", Moments.Now);
        var expected = $"payout-{milestone.Id.Value:N}";
        var keys = new List<string> { ProviderIdempotencyKeys.Payout(milestone.Id) };

        milestone.Approve(Parties.Employer, Moments.Now.AddMinutes(1));
        keys.Add(ProviderIdempotencyKeys.Payout(milestone.Id));
        milestone.DeferPayout(PayoutPendingReason.Retrying, Moments.Now.AddMinutes(5), "rate_limited", Moments.Now.AddMinutes(2));
        keys.Add(ProviderIdempotencyKeys.Payout(milestone.Id));
        milestone.FailPayout("account_closed", Moments.Now.AddMinutes(6));
        milestone.RetryPayout(Moments.Now.AddMinutes(7));
        keys.Add(ProviderIdempotencyKeys.Payout(milestone.Id));
        milestone.MarkPaid("tr_1", Moments.Now.AddMinutes(8));
        keys.Add(ProviderIdempotencyKeys.Payout(milestone.Id));

        Assert.All(keys, key => Assert.Equal(expected, key));
    }

    [Fact]
    public void Keys_WhenFormed_KeepTheirFormatsSoARepeatedCallFindsTheFirstObject()
    {
        var milestone = new MilestoneId(new Guid("0192f0a1-0000-7000-8000-00000000a001"));
        var employer = new UserId(new Guid("00000000-0000-0000-0000-00000000e001"));
        var trainer = new UserId(new Guid("00000000-0000-0000-0000-00000000f001"));

        Assert.Equal("fund-0192f0a100007000800000000000a001-3", ProviderIdempotencyKeys.Funding(milestone, 3));
        Assert.Equal("payout-0192f0a100007000800000000000a001", ProviderIdempotencyKeys.Payout(milestone));
        Assert.Equal("refund-0192f0a100007000800000000000a001", ProviderIdempotencyKeys.Refund(milestone));
        Assert.Equal("orphan-refund-pi_123", ProviderIdempotencyKeys.SupersededChargeRefund("pi_123"));
        Assert.Equal("customer-0000000000000000000000000000e001", ProviderIdempotencyKeys.Customer(employer));
        Assert.Equal("attach-cus_1-pm_card_visa", ProviderIdempotencyKeys.AttachPaymentMethod("cus_1", "pm_card_visa"));
        Assert.Equal("default-pm-cus_1-pm_card_visa", ProviderIdempotencyKeys.DefaultPaymentMethod("cus_1", "pm_card_visa"));
        Assert.Equal("account-0000000000000000000000000000f001", ProviderIdempotencyKeys.ConnectedAccount(trainer));
        Assert.Equal("subscribe-0000000000000000000000000000e001-agency-4", ProviderIdempotencyKeys.Subscription(employer, BillingPlan.Agency, 4));
    }

    [Fact]
    public void Keys_OfTwoMilestones_NeverCollideWhateverTheKind()
    {
        var first = new Escrow(Moments.Now).Milestone.Id;
        var second = new Escrow(Moments.Now).Milestone.Id;

        string[] keys =
        [
            ProviderIdempotencyKeys.Funding(first, 1), ProviderIdempotencyKeys.Funding(first, 2), ProviderIdempotencyKeys.Funding(second, 1),
            ProviderIdempotencyKeys.Payout(first), ProviderIdempotencyKeys.Payout(second),
            ProviderIdempotencyKeys.Refund(first), ProviderIdempotencyKeys.Refund(second),
        ];

        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
    }
}
