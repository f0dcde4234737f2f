using System.Globalization;
using System.Text.Json.Nodes;
using Stripe;

namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>
/// Webhook events as Stripe sends them (snapshot events: the object as it was when the event
/// happened), signed with Stripe's own scheme: <c>Stripe-Signature: t={unix},v1={HMAC-SHA256 of "{t}.{payload}"}</c>.
/// </summary>
public static class FakeStripeEvents
{
    public const string Secret = "whsec_opentrain_fake_current_0123456789abcdef";

    public const string PreviousSecret = "whsec_opentrain_fake_previous_0123456789abcd";

    /// <summary>The event's JSON (the exact bytes to deliver and sign) and its id.</summary>
    public static (string Id, string Json) Create(string type, JsonObject dataObject, string? eventId = null, string? account = null, string? apiVersion = null, DateTimeOffset? created = null)
    {
        ArgumentNullException.ThrowIfNull(dataObject);
        var id = eventId ?? $"evt_1Fk{Guid.NewGuid():N}";
        var stripeEvent = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = apiVersion ?? StripeConfiguration.ApiVersion,
            ["created"] = (created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = dataObject.DeepClone() },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        };
        if (account is not null)
        {
            // A Connect event: it happened on a connected account.
            stripeEvent["account"] = account;
        }

        return (id, stripeEvent.ToJsonString());
    }

    /// <summary>The Stripe-Signature header for <paramref name="payload"/>, signed at <paramref name="signedAt"/> (now by default).</summary>
    public static string Sign(string payload, string secret = Secret, DateTimeOffset? signedAt = null)
    {
        var timestamp = (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={EventUtility.ComputeSignature(secret, timestamp, payload)}";
    }
}
