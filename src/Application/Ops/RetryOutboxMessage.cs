using Mediator;
using OpenTrain.Clean.Application.Common.Exceptions;

namespace OpenTrain.Clean.Application.Ops;

/// <summary>An operator puts an outbox message back in the queue, due now.</summary>
public sealed record RetryOutboxMessageCommand(Guid Id) : ICommand<OutboxMessageResponse>;

public sealed class RetryOutboxMessageHandler(IOutboxAdmin outbox) : ICommandHandler<RetryOutboxMessageCommand, OutboxMessageResponse>
{
    public async ValueTask<OutboxMessageResponse> Handle(RetryOutboxMessageCommand command, CancellationToken cancellationToken) =>
        await outbox.RetryAsync(command.Id, cancellationToken) ?? throw new NotFoundException("Outbox message", command.Id);
}
