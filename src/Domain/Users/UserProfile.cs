using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Users;

public sealed record UserRegistered(UserId UserId, UserRole Role, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A person as the identity provider's token describes them, kept from their first call on.</summary>
public sealed class UserProfile : AggregateRoot<UserId>
{
    public const int MaxNameLength = 200;

    /// <summary>RFC 5321's longest address; a longer claim is no deliverable address and is not kept.</summary>
    public const int MaxEmailLength = 320;

    private UserProfile()
    {
        Name = string.Empty;
        Email = string.Empty;
    }

    public UserRole Role { get; private set; }

    public string Name { get; private set; }

    public string Email { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static UserProfile Register(UserId id, UserRole role, string? name, string? email, DateTimeOffset now)
    {
        var profile = new UserProfile
        {
            Id = id,
            Role = role,
            Name = string.IsNullOrWhiteSpace(name) ? $"{role} {id.Value.ToString()[..8]}" : BoundedText.Fit(name.Trim(), MaxNameLength),
            Email = Deliverable(email) ?? string.Empty,
            CreatedAt = now,
        };
        profile.Raise(new UserRegistered(id, role, now));
        return profile;
    }

    /// <summary>The name given when the token carried none ("{role} {first id characters}"): not a name to print on an invoice.</summary>
    public static bool IsPlaceholderName(string name) =>
        name is not null && Enum.GetNames<UserRole>().Any(role => name.StartsWith(role + " ", StringComparison.Ordinal) && name.Length == role.Length + 9);

    /// <summary>Names and e-mails follow the identity provider; the role never changes.</summary>
    public void RefreshFromClaims(string? name, string? email)
    {
        if (!string.IsNullOrWhiteSpace(name))
        {
            Name = BoundedText.Fit(name.Trim(), MaxNameLength);
        }

        if (Deliverable(email) is { Length: > 0 } address)
        {
            Email = address;
        }
    }

    /// <summary>An address cut short would reach somebody else: too long means none.</summary>
    private static string? Deliverable(string? email) => email?.Trim() is { Length: <= MaxEmailLength } trimmed ? trimmed : null;
}
