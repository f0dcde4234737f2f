using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Simulator;

/// <summary>
/// Decision 010 on the simulator: 3-D Secure fails, then the employer retries the same PaymentIntent in Stripe.js
/// with the first answer's client secret and it succeeds.
/// </summary>
public sealed class SimulatorLateChargeTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly SimulatorWalk _walk = new(factory);

    // Regression (issue 12): charged, not funded, nothing given back (the late success was answered 200 ignored).
    [Fact]
    public async Task LateSuccess_OfAFailedAttemptOnAnUnfundedMilestone_FundsItAndTellsTheEmployer()
    {
        var employer = await _walk.EmployerAsync("pm_card_authenticationRequired");
        var trainer = await _walk.SignInAsync("trainer", "Tom Trainer");
        var hire = await _walk.HireAsync(employer, trainer, expected: HttpStatusCode.Accepted);
        var intent = hire.Body.Str("funding.milestone.funding.paymentIntentId")!;
        await _walk.PressAsync($"/simulator/payments/{intent}/complete?outcome=fail");
        Assert.Equal("not_funded", (await _walk.MilestoneAsync(employer, hire.MilestoneId)).Str("status"));

        await _walk.PressAsync($"/simulator/payments/{intent}/complete?outcome=succeed");
        await _walk.RunJobsAsync();

        Assert.Equal("active_funded", (await _walk.MilestoneAsync(employer, hire.MilestoneId)).Str("status"));
        Assert.DoesNotContain(_walk.Simulator.Refunds(), r => r.Charge == _walk.Simulator.FindPaymentIntent(intent)!.ChargeId);
        Assert.Contains(await _walk.NotificationsAsync(employer), n => n.Str("kind") == "funded_by_late_payment");
    }

    [Fact]
    public async Task LateSuccess_AfterAnotherAttemptFundedTheMilestone_IsRefundedOnceAsADuplicate()
    {
        var employer = await _walk.EmployerAsync("pm_card_authenticationRequired");
        var trainer = await _walk.SignInAsync("trainer", "Tom Trainer");
        var hire = await _walk.HireAsync(employer, trainer, expected: HttpStatusCode.Accepted);
        var intent = hire.Body.Str("funding.milestone.funding.paymentIntentId")!;
        await _walk.PressAsync($"/simulator/payments/{intent}/complete?outcome=fail");
        await _walk.AttachAsync(employer, "pm_card_visa");
        await Expect.StatusAsync(await _walk.Api.PostAsync($"/api/v1/milestones/{hire.MilestoneId}/fund", employer, new { }), HttpStatusCode.OK);

        await _walk.PressAsync($"/simulator/payments/{intent}/complete?outcome=succeed");
        await _walk.RunJobsAsync();
        await _walk.RunJobsAsync();

        var refund = Assert.Single(_walk.Simulator.Refunds(), r => r.Charge == _walk.Simulator.FindPaymentIntent(intent)!.ChargeId);
        Assert.Equal("duplicate", refund.Reason);
        var milestone = await _walk.MilestoneAsync(employer, hire.MilestoneId);
        Assert.Equal("active_funded", milestone.Str("status"));
        Assert.Contains(milestone.Get("timeline").EnumerateArray(), e => e.Str("action") == "duplicate_charge_refunded");
        Assert.Contains(await _walk.NotificationsAsync(employer), n => n.Str("kind") == "duplicate_charge_refunded");
    }
}
