using System.Security.Cryptography;
using System.Text;

namespace OpenTrain.Clean.Infrastructure.IntegratorEvents;

/// <summary>
/// <c>OpenTrain-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt;</c>,
/// with one <c>v1</c> per secret that signs now (two during a secret roll).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "OpenTrain-Signature";
    public const string DeliveryHeader = "OpenTrain-Delivery";
    public const string EventHeader = "OpenTrain-Event";

    public static string Compute(string secret, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var signed = Encoding.UTF8.GetBytes($"{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{body}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    public static string HeaderValue(long timestamp, string body, IEnumerable<string> secrets) =>
        string.Join(',', secrets.Select(secret => $"v1={Compute(secret, timestamp, body)}").Prepend($"t={timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
}
