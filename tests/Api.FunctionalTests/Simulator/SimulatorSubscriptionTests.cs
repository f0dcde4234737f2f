using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Simulator;

/// <summary>An agency plan on the simulator: SUB invoices per cycle (a test clock's advance), paid and failed, and a 3-D Secure first payment.</summary>
public sealed class SimulatorSubscriptionTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly SimulatorWalk _walk = new(factory);

    [Fact]
    public async Task Subscription_OverTwoCycles_IssuesAPaidSubInvoiceEachAndAFailedOneWhenTheCardFails()
    {
        var employer = await _walk.EmployerAsync();
        var subscribed = await Expect.StatusAsync(await _walk.Api.PostAsync("/api/v1/billing/subscription", employer, new { plan = "agency" }), HttpStatusCode.OK);
        Assert.Equal("active", subscribed.Str("status"));
        var subscriptionId = subscribed.Str("subscriptionId")!;
        await _walk.RunJobsAsync();

        await _walk.PostSimulatorAsync($"/simulator/subscriptions/{subscriptionId}/advance");
        await _walk.AttachAsync(employer, "pm_card_chargeCustomerFail");
        await _walk.PostSimulatorAsync($"/simulator/subscriptions/{subscriptionId}/advance");

        var invoices = (await _walk.GetAsync(employer, "/api/v1/invoices?limit=100")).Items().Where(i => i.Str("number")!.StartsWith("SUB-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["failed", "paid", "paid"], invoices.Select(i => i.Str("paymentStatus")!).Order(StringComparer.Ordinal));
        Assert.All(invoices, i => Assert.Equal(4_900, i.Long("total")));
        Assert.Equal("past_due", (await _walk.GetAsync(employer, "/api/v1/billing/subscription")).Str("status"));

        var trainer = await _walk.SignInAsync("trainer", "Tom Trainer");
        var job = await Expect.StatusAsync(await _walk.Api.PostAsync("/api/v1/jobs", employer, new { title = "Evals" }), HttpStatusCode.Created);
        var refused = await Expect.ProblemAsync(
            await _walk.Api.PostAsync($"/api/v1/jobs/{job.Id()}/contracts", employer, new { trainerId = trainer.Id, firstMilestone = new { description = "Batch", amount = 10_000 } }),
            HttpStatusCode.Conflict,
            "subscription_required");
        Assert.Contains("POST /api/v1/billing/payment-methods", refused.Str("detail"), StringComparison.Ordinal);
        Assert.Equal("past_due", refused.Str("subscriptionStatus"));
    }

    // Regression (issue 12): subscribing with a card that needs 3-D Secure answered incomplete with no client secret.
    [Fact]
    public async Task Subscribe_WhenTheFirstPaymentNeedsThreeDSecure_ReturnsTheClientSecretAndCompletesThroughTheApi()
    {
        var employer = await _walk.EmployerAsync("pm_card_authenticationRequired");

        var incomplete = await Expect.StatusAsync(await _walk.Api.PostAsync("/api/v1/billing/subscription", employer, new { plan = "agency" }), HttpStatusCode.OK);

        Assert.Equal("incomplete", incomplete.Str("status"));
        var secret = incomplete.Str("clientSecret")!;
        Assert.Matches("^pi_.+_secret_.+$", secret);
        var intentId = secret[..secret.IndexOf("_secret_", StringComparison.Ordinal)];
        await _walk.PressAsync($"/simulator/payments/{intentId}/complete?outcome=succeed");

        var active = await Expect.StatusAsync(await _walk.Api.PostAsync("/api/v1/billing/subscription", employer, new { plan = "agency" }), HttpStatusCode.OK);
        Assert.Equal("active", active.Str("status"));
        Assert.True(active.IsNull("clientSecret"));
        var sub = Assert.Single((await _walk.GetAsync(employer, "/api/v1/invoices?limit=100")).Items(), i => i.Str("number")!.StartsWith("SUB-", StringComparison.Ordinal));
        Assert.Equal("paid", sub.Str("paymentStatus"));
    }

    // Regression (issue 12): after a cancellation every fund and hire answered 409 with no way forward described.
    [Fact]
    public async Task Hire_AfterThePlanWasCancelled_AnswersSubscriptionRequiredWithTheWayBack()
    {
        var employer = await _walk.EmployerAsync();
        await Expect.StatusAsync(await _walk.Api.PostAsync("/api/v1/billing/subscription", employer, new { plan = "agency" }), HttpStatusCode.OK);
        await Expect.StatusAsync(await _walk.Api.SendAsync(HttpMethod.Delete, "/api/v1/billing/subscription", employer), HttpStatusCode.OK);
        var trainer = await _walk.SignInAsync("trainer", "Tom Trainer");

        var job = await Expect.StatusAsync(await _walk.Api.PostAsync("/api/v1/jobs", employer, new { title = "Evals" }), HttpStatusCode.Created);
        var refused = await Expect.ProblemAsync(
            await _walk.Api.PostAsync($"/api/v1/jobs/{job.Id()}/contracts", employer, new { trainerId = trainer.Id, firstMilestone = new { description = "Batch", amount = 10_000 } }),
            HttpStatusCode.Conflict,
            "subscription_required");

        Assert.Contains("subscribe again with POST /api/v1/billing/subscription {\"plan\":\"agency\"}", refused.Str("detail"), StringComparison.Ordinal);
        Assert.Equal("POST /api/v1/billing/subscription", refused.Str("nextAction"));
        await Expect.StatusAsync(await _walk.Api.PostAsync("/api/v1/billing/subscription", employer, new { plan = "agency" }), HttpStatusCode.OK);
        await _walk.HireAsync(employer, trainer);
    }
}
