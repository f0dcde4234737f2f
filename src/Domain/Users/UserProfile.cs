using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Users;

public sealed record UserRegistered(UserId UserId, UserRole Role, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A person as the identity provider's token describes them, kept from their first call on.</summary>
public sealed class UserProfile : AggregateRoot<UserId>
{
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
            Name = string.IsNullOrWhiteSpace(name) ? $"{role} {id.Value.ToString()[..8]}" : name.Trim(),
            Email = email?.Trim() ?? string.Empty,
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
            Name = name.Trim();
        }

        if (!string.IsNullOrWhiteSpace(email))
        {
            Email = email.Trim();
        }
    }
}
