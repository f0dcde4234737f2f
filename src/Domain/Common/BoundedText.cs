namespace OpenTrain.Clean.Domain.Common;

/// <summary>
/// Text that comes from elsewhere (a token's claims, a provider's message, a sentence composed around a
/// caller's words) made to fit where it is kept: cut with an ellipsis, so that storing it never fails and
/// a reader sees that it was cut. Lengths are UTF-16 code units, as nvarchar counts them.
/// </summary>
public static class BoundedText
{
    public const char Ellipsis = '…';

    public static string Fit(string value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (value.Length <= maxLength)
        {
            return value;
        }

        var cut = maxLength - 1;
        if (char.IsHighSurrogate(value[cut - 1]))
        {
            // Never split a character in two.
            cut--;
        }

        return string.Concat(value.AsSpan(0, cut), [Ellipsis]);
    }

    public static string? FitOrNull(string? value, int maxLength) => value is null ? null : Fit(value, maxLength);
}
