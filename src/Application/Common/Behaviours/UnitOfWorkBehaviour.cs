using Mediator;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.Common.Behaviours;

/// <summary>
/// A command that moves money across a provider call, and so commits more than once, says so;
/// its steps are commands of their own, each in its own transaction.
/// </summary>
public interface IMultiStepCommand;

/// <summary>One transaction per command; the only place that saves.</summary>
public sealed class UnitOfWorkBehaviour<TMessage, TResponse>(IUnitOfWork unitOfWork)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is IMultiStepCommand)
        {
            return await next(message, cancellationToken);
        }

        return await unitOfWork.ExecuteAsync(ct => next(message, ct).AsTask(), cancellationToken);
    }
}
