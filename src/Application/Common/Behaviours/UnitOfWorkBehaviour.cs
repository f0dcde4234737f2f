using Mediator;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.Common.Behaviours;

/// <summary>
/// One transaction per command; the only place that saves. A money process is not a command but an
/// <see cref="IProcessCommand{TResponse}"/>: its process class commits each step through
/// <see cref="IUnitOfWork"/> itself, so this behaviour's constraint leaves it out.
/// </summary>
public sealed class UnitOfWorkBehaviour<TMessage, TResponse>(IUnitOfWork unitOfWork)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        await unitOfWork.ExecuteAsync(ct => next(message, ct).AsTask(), cancellationToken);
}
