using OpenTrain.Clean.Application.Common;

namespace OpenTrain.Clean.Application.UnitTests.Common;

/// <summary>What reaches a log: card numbers however written, secrets by name, and no forged lines.</summary>
public sealed class SensitiveTextTests
{
    [Theory]
    [InlineData("card 4242424242424242 used")]
    [InlineData("card 4242 4242 4242 4242 used")]
    [InlineData("card 4242-4242-4242-4242 used")]
    [InlineData("card 4242.4242.4242.4242 used")]
    [InlineData("card 4242/4242/4242/4242 used")]
    [InlineData("card 4242_4242_4242_4242 used")]
    [InlineData("card 3782.822463.10005 used")]
    [InlineData("card 4000_0000_0000_0077 used")]
    public void Redact_WhenACardNumberIsWrittenWithAnySeparator_MasksIt(string text)
    {
        var redacted = SensitiveText.Redact(text);

        Assert.Equal($"card {SensitiveText.Mask} used", redacted);
    }

    [Theory]
    [InlineData("next attempt at 2026-04-01 12:30:45")]
    [InlineData("milestone 0198f3a2-7c1d-7b4e-9a31-2f4b5c6d7e8f")]
    [InlineData("amount 123456789012 is not a card (Luhn fails)")]
    [InlineData("invoice INV-2026-000042")]
    public void Redact_WhenDigitsAreNotACardNumber_KeepsThem(string text) =>
        Assert.Equal(text, SensitiveText.Redact(text));

    [Theory]
    [InlineData("login password=hunter2 failed", "login password=[redacted] failed")]
    [InlineData("PASSWORD = hunter2", "PASSWORD = [redacted]")]
    [InlineData("client_secret=abc123&x=1", "client_secret=[redacted]&x=1")]
    [InlineData("{\"password\":\"hunter2\",\"user\":\"ada\"}", "{\"password\":\"[redacted]\",\"user\":\"ada\"}")]
    [InlineData("webhook secret: s3cr3t-value", "webhook secret: [redacted]")]
    [InlineData("new_password=x; api_key=k-1", "new_password=[redacted]; api_key=[redacted]")]
    public void Redact_WhenAPasswordOrSecretIsNamed_MasksItsValueAndKeepsTheName(string text, string expected) =>
        Assert.Equal(expected, SensitiveText.Redact(text));

    [Fact]
    public void Redact_WhenStripeSecretsAndTokensAppear_MasksThem()
    {
        var text = "key sk_test_51Abc and pi_3Xyz_secret_Q9w and eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig";

        var redacted = SensitiveText.Redact(text);

        Assert.DoesNotContain("sk_test_51Abc", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("_secret_Q9w", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJzdWIiOiIxIn0", redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("please redo\ninfo: OpenTrain.Forged[0]", "please redo\\ninfo: OpenTrain.Forged[0]")]
    [InlineData("a\r\nb", "a\\r\\nb")]
    [InlineData("a\u2028b\u2029c\u0085d", "a\\u2028b\\u2029c\\u0085d")]
    public void ForLog_WhenUserTextHasLineBreaks_WritesThemEscaped(string text, string expected)
    {
        var logged = SensitiveText.ForLog(text);

        Assert.Equal(expected, logged);
        Assert.DoesNotContain('\n', logged);
        Assert.DoesNotContain('\r', logged);
    }
}
