using System.Linq.Expressions;

namespace OpenTrain.Clean.Application.Common.Paging;

/// <summary>
/// Newest first, the same on every provider: by the creation instant, then by id among rows of the same
/// instant. Never by id alone: SQL Server orders uniqueidentifier by its last six bytes first, and those
/// are random in a version 7 GUID, so id order is creation order on SQLite only.
/// </summary>
public static class NewestFirst
{
    public static IOrderedQueryable<T> Order<T, TId>(IQueryable<T> rows, Expression<Func<T, DateTimeOffset>> at, Expression<Func<T, TId>> id) =>
        rows.OrderByDescending(at).ThenByDescending(id);

    /// <summary>The rows that come after the cursor row: older, or as old with a smaller id.</summary>
    public static IQueryable<T> After<T, TId>(IQueryable<T> rows, Expression<Func<T, DateTimeOffset>> at, Expression<Func<T, TId>> id, DateTimeOffset cursorAt, TId cursorId)
    {
        ArgumentNullException.ThrowIfNull(at);
        ArgumentNullException.ThrowIfNull(id);
        var row = at.Parameters[0];
        var rowId = new Rebind(id.Parameters[0], row).Visit(id.Body);

        // Read from an object rather than inlined, so the provider sends them as parameters.
        var cursor = Expression.Constant(new Cursor<TId>(cursorAt, cursorId));
        var cursorAtValue = Expression.Property(cursor, nameof(Cursor<TId>.At));
        var cursorIdValue = Expression.Property(cursor, nameof(Cursor<TId>.Id));
        // at <= cursor.At AND (at < cursor.At OR id < cursor.Id): the first half lets the index seek to the
        // cursor instead of reading every newer row again (which would make page n cost n pages).
        var notNewer = Expression.LessThanOrEqual(at.Body, cursorAtValue);
        var after = Expression.OrElse(Expression.LessThan(at.Body, cursorAtValue), Expression.LessThan(rowId, cursorIdValue));
        return rows.Where(Expression.Lambda<Func<T, bool>>(Expression.AndAlso(notNewer, after), row));
    }

    private sealed record Cursor<TId>(DateTimeOffset At, TId Id);

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
