using System.Text.RegularExpressions;

namespace OpenTrain.Clean.Application.Common;

/// <summary>
/// Masks what must never reach a log: card-number-like digit runs (whatever separates the groups),
/// bearer tokens (JWTs), Stripe secrets (secret, restricted and webhook keys, client secrets) and the
/// values of <c>password=</c>, <c>secret=</c>, <c>token=</c>-style pairs; and escapes line breaks, so
/// that user text cannot start a forged log line.
/// </summary>
public static partial class SensitiveText
{
    public const string Mask = "[redacted]";

    public static string Redact(string? text) => string.IsNullOrEmpty(text)
        ? text ?? string.Empty
        : Secrets().Replace(CardNumbers().Replace(NamedSecrets().Replace(Tokens().Replace(text, Mask), m => m.Groups["name"].Value + Mask), MaskCardNumber), Mask);

    /// <summary>
    /// <see cref="Redact"/>, then every line break (CR, LF, and the Unicode line and paragraph separators)
    /// written as its escape: one log entry stays one line, whatever the user typed.
    /// </summary>
    public static string ForLog(string? text) => EscapeLineBreaks(Redact(text));

    public static string EscapeLineBreaks(string? text) => string.IsNullOrEmpty(text)
        ? text ?? string.Empty
        : LineBreaks().Replace(text, m => m.Value switch
        {
            "\r" => "\\r",
            "\n" => "\\n",
            "\u0085" => "\\u0085",
            "\u2028" => "\\u2028",
            _ => "\\u2029",
        });

    /// <summary>A card number passes the Luhn check; a timestamp or an order number that merely looks long rarely does.</summary>
    private static string MaskCardNumber(Match match)
    {
        var digits = match.Value.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            sum += i % 2 == 1 ? (d * 2 > 9 ? (d * 2) - 9 : d * 2) : d;
        }

        return sum % 10 == 0 ? Mask : match.Value;
    }

    // 12 to 19 digits, the groups separated by one space, dash, dot, slash or underscore (or nothing):
    // the shape of a card number however it was written.
    [GeneratedRegex(@"(?<![\dA-Za-z])(?:\d[ ./_-]?){11,18}\d(?![\dA-Za-z])")]
    private static partial Regex CardNumbers();

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Tokens();

    [GeneratedRegex(@"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9*]+|\bwhsec_[A-Za-z0-9]+|\b(?:pi|seti)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+")]
    private static partial Regex Secrets();

    // password=..., "secret": "...", api_key: ..., client_secret=... : the name is kept, the value masked up to the next separator.
    [GeneratedRegex(@"(?<name>\b[\w-]*(?:password|passwd|pwd|secret|api[_-]?key|token|cvc|cvv)[\w-]*""?\s*[=:]\s*""?)(?!\[redacted\])[^\s""&,;]+", RegexOptions.IgnoreCase)]
    private static partial Regex NamedSecrets();

    [GeneratedRegex("[\r\n\u0085\u2028\u2029]")]
    private static partial Regex LineBreaks();
}
