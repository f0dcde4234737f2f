using System.Net;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Api.FunctionalTests.Simulator;

/// <summary>
/// A provider event reaches the inbox by three paths: Stripe's webhook, the simulator's pages (at once) and reconciliation's
/// sweep. In normal operation they never apply one event twice at the same moment, and when they race (two instances given
/// the same webhook) the loser finds the winner's claim: it changes nothing, fails nothing and logs no error.
/// </summary>
public sealed class ProviderEventDeliveryTests
{
    // Regression (issue 13): each page answered at the same moment delivered every undelivered event, so 16 onboarding pages
    // applied the same events 16 times over; the losers' saves failed on ProcessedWebhookEvents' key and EF logged each as an error.
    [Fact]
    public async Task SimulatorPagesAnsweredAtOnce_DeliverEachRecordedEventOnce_WithoutAConflictOrAnErrorLog()
    {
        using var factory = ApiFactory.Create(new ApiHostOptions { RateLimiting = false });
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.TrainerAsync();
        for (var i = 0; i < 6; i++)
        {
            await api.HireOnNewJobAsync(employer, trainer);
        }

        var recorded = (await factory.Simulator.ListEventsAsync(DateTimeOffset.UnixEpoch, continueAfter: null, CancellationToken.None)).Events;
        Assert.True(recorded.Count >= 6, $"{recorded.Count} events recorded");

        var delivered = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            (await Expect.StatusAsync(await api.PostAsync("/simulator/events/deliver", null), HttpStatusCode.OK)).GetProperty("delivered").GetInt32()));

        Assert.Equal(recorded.Count, delivered.Sum());
        Assert.Equal(
            recorded.Select(r => r.Event.EventId).Order(StringComparer.Ordinal),
            await factory.QueryAsync(db => db.Set<ProcessedWebhookEvent>().Select(e => e.EventId).OrderBy(id => id).ToListAsync()));
        Assert.True(factory.Logs.Errors.Count == 0, string.Join('\n', factory.Logs.Errors.Select(e => e.Line)));
    }

    // Two API instances given the same Stripe webhook at once: one applies it (one refund), the others answer duplicate without a conflict.
    [Fact]
    public async Task OneLateSuccessEventAppliedManyTimesAtOnce_RefundsTheDuplicateChargeOnce_AndNoApplicationFails()
    {
        using var factory = ApiFactory.Create(new ApiHostOptions { RateLimiting = false });
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync("pm_card_authenticationRequired");
        var trainer = await api.TrainerAsync();
        var hired = await api.HireOnNewJobAsync(employer, trainer, expected: HttpStatusCode.Accepted);
        var firstIntent = hired.Body.Get("funding.milestone.funding.paymentIntentId").GetString()!;
        var clientSecret = Uri.EscapeDataString(hired.Body.Get("funding.clientSecret").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/simulator/payments/{firstIntent}/complete?client_secret={clientSecret}&outcome=fail", null)).StatusCode);
        await api.AttachPaymentMethodAsync(employer, "pm_card_visa");
        await api.FundedAsync(employer, hired.MilestoneId);

        // The first attempt's intent succeeds late at the provider; its event arrives eight times at once.
        var late = factory.Simulator.FindPaymentIntent(firstIntent)! with { Status = "succeeded", ChargeId = "ch_sim_late", DeclineCode = null, DeclineMessage = null };
        factory.Services.GetRequiredService<SimulatorStore>().Put("payment_intent", late.Id, late);
        var lateEvent = new PaymentIntentChanged("evt_late_once", "payment_intent.succeeded", new FundingResult(FundingOutcome.Succeeded, late.Id, late.ChargeId), late.Metadata, late.Amount);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ApplyProviderEventCommand(lateEvent));
        })));
        await factory.DrainOutboxAsync();
        await factory.DrainOutboxAsync();

        Assert.Equal(WebhookOutcome.Applied, Assert.Single(outcomes, o => o != WebhookOutcome.Duplicate));
        var refund = Assert.Single(factory.Simulator.Refunds(), r => r.Charge == "ch_sim_late");
        Assert.Equal(("duplicate", late.Amount), (refund.Reason, refund.Amount));
        Assert.Equal(MilestoneStatus.ActiveFunded, (await factory.LoadMilestoneAsync(hired.MilestoneId)).Status);
        Assert.True(factory.Logs.Errors.Count == 0, string.Join('\n', factory.Logs.Errors.Select(e => e.Line)));
    }

    // The sweep lists every event of the last minutes again on each run: the ones recorded cost one lookup, not one check each.
    [Fact]
    public async Task Sweep_OverEventsAlreadyRecorded_LooksThemUpInOneReadAndAppliesOnlyTheOneNotDelivered()
    {
        using var factory = ApiFactory.Create(new ApiHostOptions
        {
            RateLimiting = false,
            LogLevel = LogLevel.Information,
            Settings = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information" },
        });
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.TrainerAsync();
        for (var i = 0; i < 5; i++)
        {
            await api.HireOnNewJobAsync(employer, trainer);
        }

        await Expect.StatusAsync(await api.PostAsync("/simulator/events/deliver", null), HttpStatusCode.OK);
        var missed = await api.HireOnNewJobAsync(employer, trainer);
        var listed = (await factory.Simulator.ListEventsAsync(DateTimeOffset.UnixEpoch, continueAfter: null, CancellationToken.None)).Events;
        var notDelivered = Assert.Single(listed, e => e.Event is PaymentIntentChanged p && p.Metadata["milestone_id"] == missed.MilestoneId.ToString());
        var before = InboxStatements(factory);

        await factory.RunReconciliationJobAsync();

        // One lookup for every listed id, one more as the one unrecorded event is applied (then claimed with its effect).
        var statements = InboxStatements(factory).Skip(before.Count).ToList();
        Assert.True(statements.Count == 2, string.Join('\n', statements));
        Assert.All(statements, statement => Assert.Contains("SELECT", statement, StringComparison.Ordinal));
        var inbox = await factory.QueryAsync(db => db.Set<ProcessedWebhookEvent>().Select(e => e.EventId).ToListAsync());
        Assert.Contains(notDelivered.Event.EventId, inbox);
        Assert.Equal(listed.Select(r => r.Event.EventId).Order(StringComparer.Ordinal), inbox.Order(StringComparer.Ordinal));
        Assert.True(factory.Logs.Errors.Count == 0, string.Join('\n', factory.Logs.Errors.Select(e => e.Line)));
    }

    /// <summary>The SQL statements EF ran against the inbox table, in order.</summary>
    private static List<string> InboxStatements(ApiFactory factory) =>
        factory.Logs.Entries
            .Where(e => e.Category == "Microsoft.EntityFrameworkCore.Database.Command" && e.Message.Contains("ProcessedWebhookEvents", StringComparison.Ordinal))
            .Select(e => e.Message)
            .ToList();
}
