using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Application.Payouts.Accounts;

/// <summary>Settings -> Payouts: where the trainer's payout setup stands.</summary>
/// <param name="Status">not_started, onboarding, enabled or restricted.</param>
/// <param name="RequirementsDue">What the provider still needs (identity, tax, bank details).</param>
/// <param name="PendingPayouts">Approved milestones waiting for this setup.</param>
public sealed record PayoutAccountResponse(
    PayoutAccountStatus Status,
    string? Country,
    string? ConnectedAccountId,
    bool PayoutsEnabled,
    IReadOnlyList<string> RequirementsDue,
    int PendingPayouts);

public sealed record PayoutCountriesResponse(IReadOnlyList<string> Countries);

public sealed record OnboardingLinkResponse(string Url);

public sealed record ListPayoutCountriesQuery : IQuery<PayoutCountriesResponse>;

public sealed class ListPayoutCountriesHandler(IOptions<PayoutOptions> options) : IQueryHandler<ListPayoutCountriesQuery, PayoutCountriesResponse>
{
    public ValueTask<PayoutCountriesResponse> Handle(ListPayoutCountriesQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new PayoutCountriesResponse(options.Value.Countries));
}

public sealed record GetPayoutAccountQuery : IQuery<PayoutAccountResponse>;

public sealed class GetPayoutAccountHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetPayoutAccountQuery, PayoutAccountResponse>
{
    public async ValueTask<PayoutAccountResponse> Handle(GetPayoutAccountQuery query, CancellationToken cancellationToken)
    {
        var trainerId = user.Id;
        var account = await store.FirstOrDefaultAsync(store.Query<TrainerPayoutAccount>().Where(a => a.Id == trainerId), cancellationToken);
        var pending = await store.ToListAsync(
            store.Query<Milestone>().Where(m => m.TrainerId == trainerId && m.Status == MilestoneStatus.Releasing && m.PayoutStatus == PayoutStatus.Pending).Select(m => m.Id),
            cancellationToken);
        return account is null
            ? new PayoutAccountResponse(PayoutAccountStatus.NotStarted, null, null, false, [], pending.Count)
            : new PayoutAccountResponse(account.Status, account.Country, account.ConnectedAccountId, account.PayoutsEnabled, account.RequirementsDue, pending.Count);
    }
}

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
    ISender sender,
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

            return await sender.Send(new GetPayoutAccountQuery(), cancellationToken);
        }

        var profile = await users.FindAsync(user.Id, cancellationToken);
        var accountId = await payments.CreateConnectedAccountAsync(
            new ConnectedAccountRequest(user.Id, country, profile?.Email ?? user.Email ?? string.Empty, $"account-{user.Id.Value:N}"),
            cancellationToken);
        var now = clock.GetUtcNow();
        account = TrainerPayoutAccount.Start(user.Id, country, accountId, now);
        var status = await payments.GetConnectedAccountAsync(accountId, cancellationToken);
        account.ApplyProviderStatus(status.PayoutsEnabled, status.TransfersActive, status.RequirementsDue, status.DetailsSubmitted, now);
        accounts.Add(account);
        var trainerId = user.Id;
        var pending = await store.ToListAsync(
            store.Query<Milestone>().Where(m => m.TrainerId == trainerId && m.Status == MilestoneStatus.Releasing && m.PayoutStatus == PayoutStatus.Pending).Select(m => m.Id),
            cancellationToken);
        return new PayoutAccountResponse(account.Status, account.Country, account.ConnectedAccountId, account.PayoutsEnabled, account.RequirementsDue, pending.Count);
    }
}

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

/// <summary>
/// The "account updated" path (the simulator's onboarding page, Stripe's <c>account.updated</c>):
/// reads the account from the provider and applies it. Becoming enabled wakes pending payouts.
/// </summary>
public sealed record SyncPayoutAccountCommand(string ConnectedAccountId) : ICommand<bool>;

public sealed class SyncPayoutAccountHandler(
    IReadStore store,
    IRepository<TrainerPayoutAccount, UserId> accounts,
    IPaymentGateway payments,
    TimeProvider clock) : ICommandHandler<SyncPayoutAccountCommand, bool>
{
    public async ValueTask<bool> Handle(SyncPayoutAccountCommand command, CancellationToken cancellationToken)
    {
        var trainerId = await store.FirstOrDefaultAsync(
            store.Query<TrainerPayoutAccount>().Where(a => a.ConnectedAccountId == command.ConnectedAccountId).Select(a => (UserId?)a.Id),
            cancellationToken);
        if (trainerId is null || await accounts.FindAsync(trainerId.Value, cancellationToken) is not { } account)
        {
            return false;
        }

        var status = await payments.GetConnectedAccountAsync(command.ConnectedAccountId, cancellationToken);
        account.ApplyProviderStatus(status.PayoutsEnabled, status.TransfersActive, status.RequirementsDue, status.DetailsSubmitted, clock.GetUtcNow());
        return true;
    }
}
