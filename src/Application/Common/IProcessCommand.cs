using Mediator;

namespace OpenTrain.Clean.Application.Common;

/// <summary>
/// A command that runs a money process (funding, payout, refund, reconciliation). It crosses a
/// provider call, so it commits more than once, and its process class shows each commit through
/// <see cref="Abstractions.IUnitOfWork"/>. It is a request, not an <see cref="ICommand{TResponse}"/>: the
/// unit-of-work behaviour, which wraps every command in one transaction, does not apply to it
/// (its constraint is <see cref="IBaseCommand"/>); logging and validation do.
/// </summary>
public interface IProcessCommand<out TResponse> : IRequest<TResponse>;
