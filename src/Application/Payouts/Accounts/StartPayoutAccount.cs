using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Payouts;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Application.Payouts.Accounts;

/// <summary>Settings -> Payouts -> Add Payout Method: creates the trainer's connected account in a supported country.</summary>
public sealed record StartPayoutAccountCommand(string Country) : ICommand<PayoutAccountResponse>;

public sealed class StartPayoutAccountValidator : AbstractValidator<StartPayoutAccountCommand>
{
    public StartPayoutAccountValidator()
    {
        RuleFor(c => c.Country).NotEmpty().Length(2).Matches("^[A-Za-z]{2}$").WithMessage("'Country' is an ISO 3166-1 alpha-2 code such as US.");
    }
}

public sealed class StartPayoutAccountHandler(
    IRepository<TrainerPayoutAccount, UserId> accounts,
    IRepository<UserProfile, UserId> users,
    IPaymentGateway payments,
    IOptions<PayoutOptions> options,
    IReadStore store,
    ICurrentUser user,
    TimeProvider clock) : ICommandHandler<StartPayoutAccountCommand, PayoutAccountResponse>
{
    public async ValueTask<PayoutAccountResponse> Handle(StartPayoutAccountCommand command, CancellationToken cancellationToken)
    {
        var country = command.Country.ToUpperInvariant();
        var supported = options.Value.Countries;
        if (!supported.Contains(country, StringComparer.Ordinal))
        {
            throw new UnprocessableException(
                ApplicationErrors.PayoutCountryUnsupported,
                $"Payouts are not available in {country}. Supported countries: {string.Join(", ", supported)}.",
                "country");
        }

        var account = await accounts.FindAsync(user.Id, cancellationToken);
        if (account is not null)
        {
            if (account.Country != country)
            {
                throw new DomainException(ApplicationErrors.PayoutAccountExists, $"Your payout account was started in {account.Country}; contact support to change country.");
            }

            return await PayoutAccountResponse.ForAsync(account, user.Id, store, cancellationToken);
        }

        var profile = await users.FindAsync(user.Id, cancellationToken);
        var accountId = await payments.CreateConnectedAccountAsync(
            new ConnectedAccountRequest(user.Id, country, profile?.Email ?? user.Email ?? string.Empty, ProviderIdempotencyKeys.ConnectedAccount(user.Id)),
            cancellationToken);
        var now = clock.GetUtcNow();
        account = TrainerPayoutAccount.Start(user.Id, country, accountId, now);
        var status = await payments.GetConnectedAccountAsync(accountId, cancellationToken);
        account.ApplyProviderStatus(status.PayoutsEnabled, status.TransfersActive, status.RequirementsDue, status.DetailsSubmitted, now);
        accounts.Add(account);
        return await PayoutAccountResponse.ForAsync(account, user.Id, store, cancellationToken);
    }
}
