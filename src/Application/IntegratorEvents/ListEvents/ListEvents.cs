using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Application.IntegratorEvents.ListEvents;

/// <summary>
/// The caller's events, oldest first, in the order they were published: pass the last id you processed
/// as <paramref name="StartingAfter"/> to get what came after it. Kept for the retention period (30 days).
/// </summary>
public sealed record ListEventsQuery(Guid? StartingAfter, IReadOnlyList<string> Types, int Limit = Paging.DefaultLimit) : IQuery<Page<IntegratorEventResponse>>;

public sealed class ListEventsValidator : AbstractValidator<ListEventsQuery>
{
    public ListEventsValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, Paging.MaxLimit);
        RuleFor(q => q.Types).Must(types => types.All(IntegratorEventCatalog.IsKnown))
            .WithMessage(q => $"'{string.Join(", ", q.Types.Where(t => !IntegratorEventCatalog.IsKnown(t)))}' is not an event type. Known: {string.Join(", ", IntegratorEventCatalog.Kinds.Select(k => k.Type))}.");
    }
}

public sealed class ListEventsHandler(IReadStore store, ICurrentUser user, IOptions<IntegratorEventOptions> options, TimeProvider clock)
    : IQueryHandler<ListEventsQuery, Page<IntegratorEventResponse>>
{
    public async ValueTask<Page<IntegratorEventResponse>> Handle(ListEventsQuery query, CancellationToken cancellationToken)
    {
        var me = user.Id;
        var keptSince = clock.GetUtcNow().Subtract(options.Value.Retention);
        var mine = store.Query<IntegratorEvent>().Where(e => e.RecipientId == me && e.Position != null && e.CreatedAt >= keptSince);
        if (query.StartingAfter is { } after)
        {
            var afterId = new IntegratorEventId(after);
            var position = await store.FirstOrDefaultAsync(mine.Where(e => e.Id == afterId).Select(e => e.Position), cancellationToken)
                ?? throw new UnprocessableException(ApplicationErrors.EventNotFound, $"No event {after} of yours is in the feed (events are kept {options.Value.Retention.TotalDays:0} days).", "startingAfter");
            mine = mine.Where(e => e.Position > position);
        }

        if (query.Types.Count > 0)
        {
            var types = query.Types.ToList();
            mine = mine.Where(e => types.Contains(e.Type));
        }

        var rows = await store.ToListAsync(mine.OrderBy(e => e.Position).Take(query.Limit + 1).Select(e => e.Body), cancellationToken);
        return Paging.ToPage(rows.Select(IntegratorEventJson.Deserialize).ToList(), query.Limit, e => e.Id.ToString());
    }
}
