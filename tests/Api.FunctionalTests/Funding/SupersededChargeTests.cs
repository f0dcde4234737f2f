using System.Net;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;

namespace OpenTrain.Clean.Api.FunctionalTests.Funding;

/// <summary>
/// An earlier funding attempt whose charge succeeds late (3-D Secure completed after a later attempt
/// funded the milestone) would make the employer pay twice: the provider's event gives it back.
/// </summary>
public sealed class SupersededChargeTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    // Guards: a succeeded charge of a superseded attempt is refunded once after commit (key orphan-refund-{intent}, reason duplicate).
    [Fact]
    public async Task PaymentIntentSucceeded_ForASupersededAttempt_RefundsThatChargeOnceAndLeavesTheMilestoneFunded()
    {
        var employer = await _api.EmployerAsync("pm_card_authenticationRequired");
        var trainer = await _api.TrainerAsync();
        var hired = await _api.HireOnNewJobAsync(employer, trainer, expected: HttpStatusCode.Accepted);
        var firstIntent = hired.Body.Get("funding.milestone.funding.paymentIntentId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsync($"/simulator/payments/{firstIntent}/complete?outcome=fail", null)).StatusCode);
        Assert.Equal(MilestoneStatus.NotFunded, (await factory.LoadMilestoneAsync(hired.MilestoneId)).Status);

        await _api.AttachPaymentMethodAsync(employer, "pm_card_visa");
        await _api.FundedAsync(employer, hired.MilestoneId);
        var funded = await factory.LoadMilestoneAsync(hired.MilestoneId);
        Assert.Equal(MilestoneStatus.ActiveFunded, funded.Status);
        Assert.NotEqual(firstIntent, funded.Funding.PaymentIntentId);

        // The first attempt's intent succeeds late at the provider.
        var store = factory.Services.GetRequiredService<SimulatorStore>();
        var late = store.Get<SimPaymentIntent>(firstIntent)! with { Status = "succeeded", ChargeId = "ch_sim_late", DeclineCode = null, DeclineMessage = null };
        store.Put("payment_intent", late.Id, late);

        await DeliverAsync("evt_late_1", late);
        await DeliverAsync("evt_late_2", late);
        await factory.Services.GetRequiredService<OpenTrain.Clean.Infrastructure.Persistence.Outbox.OutboxDispatcher>().DrainAsync(CancellationToken.None);
        await factory.Services.GetRequiredService<OpenTrain.Clean.Infrastructure.Persistence.Outbox.OutboxDispatcher>().DrainAsync(CancellationToken.None);

        var refund = Assert.Single(factory.Services.GetRequiredService<PaymentSimulator>().Refunds());
        Assert.Equal("duplicate", refund.Reason);
        Assert.Equal("ch_sim_late", refund.Charge);
        Assert.Equal(late.Amount, refund.Amount);
        var after = await factory.LoadMilestoneAsync(hired.MilestoneId);
        Assert.Equal(MilestoneStatus.ActiveFunded, after.Status);
        Assert.Equal(funded.Funding.PaymentIntentId, after.Funding.PaymentIntentId);
    }

    private async Task DeliverAsync(string eventId, SimPaymentIntent intent)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ApplyProviderEventCommand(new PaymentIntentChanged(
            eventId,
            "payment_intent.succeeded",
            new FundingResult(FundingOutcome.Succeeded, intent.Id, intent.ChargeId),
            intent.Metadata,
            intent.Amount)));
        Assert.Equal(WebhookOutcome.Applied, outcome);
    }
}
