using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Abstractions;

/// <summary>The authenticated caller, as the bearer token describes them.</summary>
public interface ICurrentUser
{
    UserId Id { get; }

    UserRole Role { get; }

    string? Name { get; }

    string? Email { get; }
}
