using Mediator;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;

namespace OpenTrain.Clean.Api.Endpoints;

/// <summary>
/// What happens at Stripe outside our calls, played by the simulator in Stripe's test-mode words (README,
/// "Simulator triggers"): dispute evidence, a reversal, a subscription's next invoice. Each records the events
/// Stripe would send and delivers them at once through the webhook's own handling.
/// </summary>
internal static partial class SimulatorEndpoints
{
    private static void MapSimulatorTriggers(this RouteGroupBuilder simulator)
    {
        simulator.MapGet("/disputes", (PaymentSimulator sim) => Results.Ok(sim.Disputes()));
        simulator.MapPost("/disputes/{disputeId}/evidence", SubmitEvidence);
        simulator.MapPost("/transfers/{transferId}/reverse", ReverseTransfer);
        simulator.MapPost("/subscriptions/{subscriptionId}/advance", AdvanceSubscription);
        simulator.MapPost("/events/deliver", async (PaymentSimulator sim, ISender sender, CancellationToken ct) =>
            Results.Ok(new { delivered = await DeliverEventsAsync(sim, sender, ct) }));
    }

    private static async Task<IResult> SubmitEvidence(string disputeId, string? evidence, PaymentSimulator simulator, ISender sender, CancellationToken ct)
    {
        var dispute = simulator.SubmitDisputeEvidence(disputeId, evidence ?? string.Empty);
        if (dispute is null)
        {
            return Results.NotFound();
        }

        await DeliverEventsAsync(simulator, sender, ct);
        return Results.Ok(dispute);
    }

    private static async Task<IResult> ReverseTransfer(string transferId, PaymentSimulator simulator, ISender sender, CancellationToken ct)
    {
        var transfer = simulator.ReverseTransfer(transferId);
        if (transfer is null)
        {
            return Results.NotFound();
        }

        await DeliverEventsAsync(simulator, sender, ct);
        return Results.Ok(transfer);
    }

    private static async Task<IResult> AdvanceSubscription(string subscriptionId, PaymentSimulator simulator, ISender sender, CancellationToken ct)
    {
        var subscription = simulator.AdvanceSubscription(subscriptionId);
        if (subscription is null)
        {
            return Results.NotFound();
        }

        await DeliverEventsAsync(simulator, sender, ct);
        return Results.Ok(subscription);
    }

    /// <summary>
    /// Hands the simulator's recorded events to the webhook's handling, oldest first, as Stripe delivers them: each event
    /// is taken by one delivery only, so pages answered at the same moment never apply the same event twice. One that
    /// cannot be applied now goes back; the next delivery or reconciliation's sweep applies it (the inbox makes a repeat a no-op).
    /// </summary>
    internal static async Task<int> DeliverEventsAsync(PaymentSimulator simulator, ISender sender, CancellationToken ct)
    {
        var taken = simulator.TakeUndeliveredEvents();
        var delivered = 0;
        var next = 0;
        try
        {
            for (; next < taken.Count; next++)
            {
                try
                {
                    await sender.Send(new ApplyProviderEventCommand(taken[next]), ct);
                    delivered++;
                }
                catch (Exception exception) when (exception is ConcurrencyConflictException or ProviderEventNotUnderstoodException)
                {
                    simulator.ReturnUndelivered(taken[next].EventId);
                }
            }
        }
        finally
        {
            // Stopped early (the request was cancelled, the handling failed): what was not applied goes back.
            for (; next < taken.Count; next++)
            {
                simulator.ReturnUndelivered(taken[next].EventId);
            }
        }

        return delivered;
    }
}
