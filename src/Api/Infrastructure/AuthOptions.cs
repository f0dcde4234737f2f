namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>Configuration section <c>Auth</c>: how bearer tokens are validated.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The key of appsettings.Development.json; never accepted outside Development.</summary>
    public const string DevelopmentSigningKey = "opentrain-clean-development-signing-key-change-me-0123456789";

    public string Issuer { get; set; } = "opentrain-clean";

    public string Audience { get; set; } = "opentrain-clean-api";

    /// <summary>HMAC-SHA256 key, at least 32 bytes.</summary>
    public string SigningKey { get; set; } = string.Empty;

    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(8);
}
