namespace OpenTrain.Clean.Application.Common.Paging;

/// <summary>One page of a list, Stripe-style: pass the last id as <c>startingAfter</c> for the next.</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, bool HasMore, string? NextCursor);

public static class Paging
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static Page<T> Empty<T>() => new([], false, null);

    /// <summary>Queries fetch one row more than asked; its presence means there is a next page.</summary>
    public static Page<T> ToPage<T>(List<T> rowsPlusOne, int limit, Func<T, string> cursorOf)
    {
        ArgumentNullException.ThrowIfNull(rowsPlusOne);
        ArgumentNullException.ThrowIfNull(cursorOf);
        var hasMore = rowsPlusOne.Count > limit;
        var data = hasMore ? rowsPlusOne.GetRange(0, limit) : rowsPlusOne;
        return new Page<T>(data, hasMore, hasMore ? cursorOf(data[^1]) : null);
    }
}
