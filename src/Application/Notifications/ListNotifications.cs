using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Notifications;

namespace OpenTrain.Clean.Application.Notifications;

/// <summary>The caller's in-app feed: unread first, then newest first.</summary>
public sealed record ListNotificationsQuery(bool UnreadOnly = false, int Limit = 50) : IQuery<NotificationFeedResponse>;

public sealed class ListNotificationsValidator : AbstractValidator<ListNotificationsQuery>
{
    public ListNotificationsValidator() => RuleFor(q => q.Limit).InclusiveBetween(1, 200);
}

public sealed class ListNotificationsHandler(IReadStore store, ICurrentUser user) : IQueryHandler<ListNotificationsQuery, NotificationFeedResponse>
{
    public async ValueTask<NotificationFeedResponse> Handle(ListNotificationsQuery query, CancellationToken cancellationToken)
    {
        var userId = user.Id;
        var mine = store.Query<Notification>().Where(n => n.UserId == userId);
        var unread = await store.ToListAsync(mine.Where(n => n.ReadAt == null).OrderByDescending(n => n.Id).Take(query.Limit), cancellationToken);
        var rows = unread;
        if (!query.UnreadOnly && unread.Count < query.Limit)
        {
            rows = [.. unread, .. await store.ToListAsync(mine.Where(n => n.ReadAt != null).OrderByDescending(n => n.Id).Take(query.Limit - unread.Count), cancellationToken)];
        }

        var unreadCount = unread.Count < query.Limit
            ? unread.Count
            : (await store.ToListAsync(mine.Where(n => n.ReadAt == null).Select(n => n.Id), cancellationToken)).Count;
        return new NotificationFeedResponse(unreadCount, rows.Select(NotificationResponse.From).ToList());
    }
}
