using Mediator;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.Billing.SetupIntent;

/// <summary>A SetupIntent for Stripe.js: collect a card or US bank account in the browser, then attach it by id.</summary>
public sealed record CreateSetupIntentCommand : ICommand<SetupIntentResponse>;

/// <param name="ClientSecret">Pass to Stripe.js (confirmCardSetup / collectBankAccountForSetup).</param>
public sealed record SetupIntentResponse(string CustomerId, string ClientSecret);

public sealed class CreateSetupIntentHandler(BillingProfiles profiles, IPaymentGateway payments) : ICommandHandler<CreateSetupIntentCommand, SetupIntentResponse>
{
    public async ValueTask<SetupIntentResponse> Handle(CreateSetupIntentCommand command, CancellationToken cancellationToken)
    {
        var profile = await profiles.WithCustomerAsync(cancellationToken);
        return new SetupIntentResponse(profile.CustomerId!, await payments.CreateSetupIntentAsync(profile.CustomerId!, cancellationToken));
    }
}
