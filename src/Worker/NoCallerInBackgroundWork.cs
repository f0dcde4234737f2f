using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Worker;

/// <summary>Jobs act for nobody: a use case that asks for the caller is a bug here, and says so.</summary>
internal sealed class NoCallerInBackgroundWork : ICurrentUser
{
    public UserId Id => throw Fail();

    public UserRole Role => throw Fail();

    public string? Name => throw Fail();

    public string? Email => throw Fail();

    private static InvalidOperationException Fail() => new("Background jobs have no caller; this use case must not run in the worker.");
}
