namespace OpenTrain.Clean.Application.Reports;

/// <summary>
/// An issued-at range [from, to) cut at UTC midnights: the whole days inside it, which the day totals
/// answer, and the partial days at its edges, which only the invoices can.
/// </summary>
/// <param name="WholeDays">Days First (inclusive) to End (exclusive), a null bound open; null when no whole day fits.</param>
/// <param name="Edges">The instants outside the whole days, each within one day.</param>
public sealed record IssuedDays((DateOnly? First, DateOnly? End)? WholeDays, IReadOnlyList<(DateTimeOffset? From, DateTimeOffset? To)> Edges)
{
    public static IssuedDays Split(DateTimeOffset? from, DateTimeOffset? to)
    {
        DateOnly? first = null;
        if (from is { } start)
        {
            var day = InvoiceDayTotal.DayOf(start);
            if (InvoiceDayTotal.StartOf(day) != start)
            {
                if (day == DateOnly.MaxValue)
                {
                    return new IssuedDays(null, [(from, to)]);
                }

                day = day.AddDays(1);
            }

            first = day;
        }

        DateOnly? end = to is { } stop ? InvoiceDayTotal.DayOf(stop) : null;
        if (first is { } f && end is { } e && f >= e)
        {
            // Less than two days: no midnight-to-midnight day inside, so the invoices answer all of it.
            return new IssuedDays(null, [(from, to)]);
        }

        var edges = new List<(DateTimeOffset?, DateTimeOffset?)>(2);
        if (from is { } low && InvoiceDayTotal.StartOf(first!.Value) != low)
        {
            edges.Add((low, InvoiceDayTotal.StartOf(first.Value)));
        }

        if (to is { } high && InvoiceDayTotal.StartOf(end!.Value) != high)
        {
            edges.Add((InvoiceDayTotal.StartOf(end.Value), high));
        }

        return new IssuedDays((first, end), edges);
    }
}
