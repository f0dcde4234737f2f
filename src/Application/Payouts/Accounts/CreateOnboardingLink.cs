using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Application.Payouts.Accounts;

public sealed record OnboardingLinkResponse(string Url);

/// <summary>A fresh link to the provider-hosted onboarding (identity, tax and bank details).</summary>
public sealed record CreateOnboardingLinkCommand : ICommand<OnboardingLinkResponse>;

public sealed class CreateOnboardingLinkHandler(IRepository<TrainerPayoutAccount, UserId> accounts, IPaymentGateway payments, ICurrentUser user)
    : ICommandHandler<CreateOnboardingLinkCommand, OnboardingLinkResponse>
{
    public async ValueTask<OnboardingLinkResponse> Handle(CreateOnboardingLinkCommand command, CancellationToken cancellationToken)
    {
        var account = await accounts.FindAsync(user.Id, cancellationToken);
        if (account?.ConnectedAccountId is null)
        {
            throw new DomainException(ApplicationErrors.PayoutAccountNotStarted, "Start your payout setup first: POST /api/v1/payouts/account with your country.");
        }

        return new OnboardingLinkResponse(await payments.CreateOnboardingLinkAsync(account.ConnectedAccountId, cancellationToken));
    }
}
