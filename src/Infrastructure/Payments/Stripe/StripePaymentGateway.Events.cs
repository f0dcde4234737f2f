using OpenTrain.Clean.Application.Abstractions;
using Stripe;

namespace OpenTrain.Clean.Infrastructure.Payments.Stripe;

/// <summary>The events Stripe recorded, as reconciliation's sweep reads them (GET /v1/events) to find lost webhooks.</summary>
public sealed partial class StripePaymentGateway
{
    /// <summary>Stripe's largest list page.</summary>
    private const int PageSize = 100;

    /// <summary>
    /// GET /v1/events with <c>created[gte]=since</c>, the handled types, newest first, page by page (<c>starting_after</c>)
    /// from <paramref name="continueAfter"/> when given, until Stripe has no more or <see cref="StripeOptions.MaxEventsPerSweep"/>
    /// are listed (one request per 100: Stripe's rate limit). Stripe lists newest first, so a read that stops at that cap
    /// leaves the oldest events of its window unread: the page says so (truncated) and names the last event listed, the
    /// <c>starting_after</c> from which the sweep's next read lists the rest. Stripe's order is total (events of one second
    /// included), so going on after the last event listed skips none.
    /// </summary>
    public async Task<ProviderEventPage> ListEventsAsync(DateTimeOffset since, string? continueAfter, CancellationToken cancellationToken)
    {
        var cap = Math.Max(1, options.Value.MaxEventsPerSweep);
        var types = StripeWebhookParser.HandledTypes.Where(t => t != "account.updated").ToList();
        var events = new List<Event>();
        var after = continueAfter;
        var hasMore = true;
        await Call("list events", async () =>
        {
            while (hasMore && events.Count < cap)
            {
                var options = new EventListOptions
                {
                    Created = new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime },
                    Types = types,
                    Limit = Math.Min(PageSize, cap - events.Count),
                    StartingAfter = after,
                };
                var page = await new EventService(client).ListAsync(options, cancellationToken: cancellationToken);
                events.AddRange(page.Data);
                hasMore = page.HasMore && page.Data.Count > 0;
                after = page.Data.Count > 0 ? page.Data[^1].Id : after;
            }

            return events;
        });
        var recorded = events
            .Select((e, listed) => (Event: e, Listed: listed))
            .OrderBy(e => e.Event.Created)
            .ThenByDescending(e => e.Listed)
            .Select(e => new RecordedProviderEvent(StripeWebhookParser.Translate(e.Event), new DateTimeOffset(e.Event.Created, TimeSpan.Zero)))
            .ToList();
        return hasMore ? new ProviderEventPage(recorded, Truncated: true, after) : ProviderEventPage.Complete(recorded);
    }
}
