using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests;

internal sealed record TestUser(UserId Id, UserRole Role, string? Name = null, string? Email = null) : ICurrentUser;
