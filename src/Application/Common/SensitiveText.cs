using System.Text.RegularExpressions;

namespace OpenTrain.Clean.Application.Common;

/// <summary>
/// Masks what must never reach a log: card-number-like digit runs, bearer tokens (JWTs) and Stripe
/// secrets (secret, restricted and webhook keys, client secrets).
/// </summary>
public static partial class SensitiveText
{
    public const string Mask = "[redacted]";

    public static string Redact(string? text) => string.IsNullOrEmpty(text)
        ? text ?? string.Empty
        : Secrets().Replace(CardNumbers().Replace(Tokens().Replace(text, Mask), Mask), Mask);

    // 12 to 19 digits, optionally grouped by spaces or dashes: the shape of a card number.
    [GeneratedRegex(@"(?<!\d)(?:\d[ -]?){11,18}\d(?!\d)")]
    private static partial Regex CardNumbers();

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Tokens();

    [GeneratedRegex(@"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9*]+|\bwhsec_[A-Za-z0-9]+|\b(?:pi|seti)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+")]
    private static partial Regex Secrets();
}
