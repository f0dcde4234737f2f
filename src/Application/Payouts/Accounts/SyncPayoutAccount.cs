using Mediator;

namespace OpenTrain.Clean.Application.Payouts.Accounts;

/// <summary>The simulator's onboarding page completed: the trainer's account is read again from the provider.</summary>
public sealed record SyncPayoutAccountCommand(string ConnectedAccountId) : ICommand<bool>;

public sealed class SyncPayoutAccountHandler(PayoutAccountSync sync) : ICommandHandler<SyncPayoutAccountCommand, bool>
{
    public async ValueTask<bool> Handle(SyncPayoutAccountCommand command, CancellationToken cancellationToken) =>
        await sync.ApplyAsync(command.ConnectedAccountId, cancellationToken);
}
