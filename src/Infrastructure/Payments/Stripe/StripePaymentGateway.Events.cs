using OpenTrain.Clean.Application.Abstractions;
using Stripe;

namespace OpenTrain.Clean.Infrastructure.Payments.Stripe;

/// <summary>The events Stripe recorded, as reconciliation's sweep reads them (GET /v1/events) to find lost webhooks.</summary>
public sealed partial class StripePaymentGateway
{
    /// <summary>A sweep reads at most this many events; the rest wait for the next one (the cursor stays behind them).</summary>
    private const int MaxEventsPerSweep = 1000;

    public async Task<IReadOnlyList<RecordedProviderEvent>> ListEventsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var options = new EventListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime },
            Types = [.. StripeWebhookParser.HandledTypes.Where(t => t != "account.updated")],
            Limit = 100,
        };
        var events = new List<Event>();
        await Call("list events", async () =>
        {
            await foreach (var stripeEvent in new EventService(client).ListAutoPagingAsync(options, cancellationToken: cancellationToken))
            {
                events.Add(stripeEvent);
                if (events.Count >= MaxEventsPerSweep)
                {
                    break;
                }
            }

            return events;
        });
        return [.. events.OrderBy(e => e.Created).Select(e => new RecordedProviderEvent(StripeWebhookParser.Translate(e), new DateTimeOffset(e.Created, TimeSpan.Zero)))];
    }
}
