using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Application.Users.GetMe;

/// <summary>Returns the caller, creating their profile from the token's claims on first use.</summary>
public sealed record GetMeCommand : ICommand<MeResponse>;

public sealed record MeResponse(Guid Id, UserRole Role, string Name, string Email, DateTimeOffset CreatedAt);

public sealed class GetMeHandler(IRepository<UserProfile, UserId> users, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<GetMeCommand, MeResponse>
{
    public async ValueTask<MeResponse> Handle(GetMeCommand command, CancellationToken cancellationToken)
    {
        var profile = await users.FindAsync(user.Id, cancellationToken);
        if (profile is null)
        {
            profile = UserProfile.Register(user.Id, user.Role, user.Name, user.Email, clock.GetUtcNow());
            users.Add(profile);
        }
        else if (profile.Role != user.Role)
        {
            throw new DomainException(ApplicationErrors.RoleMismatch, $"User {user.Id} is registered as {profile.Role}, not {user.Role}.");
        }
        else
        {
            profile.RefreshFromClaims(user.Name, user.Email);
        }

        return new MeResponse(profile.Id.Value, profile.Role, profile.Name, profile.Email, profile.CreatedAt);
    }
}
