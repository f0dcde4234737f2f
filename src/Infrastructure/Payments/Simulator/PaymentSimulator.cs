using System.Security.Cryptography;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Infrastructure.Payments.Simulator;

/// <summary>
/// The offline payment provider: Stripe's test-mode semantics without a network, so the API runs
/// on a fresh machine. Idempotent like Stripe: a repeated key returns the first object.
/// Never used when a Stripe secret key is configured.
/// </summary>
public sealed partial class PaymentSimulator(SimulatorStore store, Microsoft.Extensions.Options.IOptions<PaymentOptions> options, TimeProvider clock) : IPaymentGateway
{
    public string Name => "simulator";

    public Task<string> EnsureCustomerAsync(CustomerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var customer = store.GetOrCreate(
            "customer",
            ProviderIdempotencyKeys.Customer(request.EmployerId),
            () => new SimCustomer(NewId("cus"), request.Name, request.Email, []),
            c => c.Id);
        return Task.FromResult(customer.Id);
    }

    public Task<PaymentMethodSummary> AttachPaymentMethodAsync(string customerId, string paymentMethodId, CancellationToken cancellationToken)
    {
        var customer = store.Get<SimCustomer>(customerId)
            ?? throw new PaymentMethodRejectedException("resource_missing", $"No such customer: '{customerId}'.");
        if (!SimulatedPaymentMethods.All.TryGetValue(paymentMethodId, out var method))
        {
            throw new PaymentMethodRejectedException(
                "resource_missing",
                $"No such PaymentMethod: '{paymentMethodId}'. The simulator knows {string.Join(", ", SimulatedPaymentMethods.All.Keys)}.");
        }

        if (!customer.PaymentMethods.Contains(paymentMethodId))
        {
            store.Put("customer", customer.Id, customer with { PaymentMethods = [.. customer.PaymentMethods, paymentMethodId] });
        }

        return Task.FromResult(new PaymentMethodSummary(method.Id, method.Type, method.Brand, method.Last4));
    }

    public Task<FundingResult> FundAsync(FundingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var created = false;
        var intent = store.GetOrCreate("payment_intent", request.IdempotencyKey, () => { created = true; return CreateIntent(request); }, pi => pi.Id);
        if (created)
        {
            EmitIntent(intent);
            if (SimulatedPaymentMethods.All.TryGetValue(intent.PaymentMethodId, out var method) && method.Behaviour == SimulatedChargeBehaviour.SucceedsThenDisputed)
            {
                OpenDispute(intent);
            }
        }

        return Task.FromResult(ToResult(intent));
    }

    public Task<FundingResult> GetFundingAsync(string paymentIntentId, CancellationToken cancellationToken)
    {
        var intent = store.Get<SimPaymentIntent>(paymentIntentId)
            ?? throw new PaymentProviderException($"No such PaymentIntent: '{paymentIntentId}'.");
        if (intent.Status == "processing" && intent.SettlesAt is { } settles && settles <= clock.GetUtcNow())
        {
            // A bank debit settles after a while, as ACH does.
            intent = intent with { Status = "succeeded", ChargeId = NewId("ch") };
            store.Put("payment_intent", intent.Id, intent);
            EmitIntent(intent);
        }

        return Task.FromResult(ToResult(intent));
    }

    /// <summary>The simulator's 3-D Secure page: the customer completes (or fails) authentication.</summary>
    /// <summary>
    /// The simulator's 3-D Secure page: the customer completes (or fails) authentication. After a failure the
    /// customer may still retry in Stripe.js with the first answer's client secret and succeed: a late success
    /// of a failed attempt (decision 010).
    /// </summary>
    public SimPaymentIntent? CompleteAuthentication(string paymentIntentId, bool succeed)
    {
        var intent = store.Get<SimPaymentIntent>(paymentIntentId);
        var retryAfterFailure = intent is { Status: "requires_payment_method", DeclineCode: "authentication_failed" } && succeed;
        if (intent is null || (intent.Status != "requires_action" && !retryAfterFailure))
        {
            return intent;
        }

        intent = succeed
            ? intent with { Status = "succeeded", ChargeId = NewId("ch"), ClientSecret = null, DeclineCode = null, DeclineMessage = null }
            : intent with { Status = "requires_payment_method", DeclineCode = "authentication_failed", DeclineMessage = "The customer failed 3-D Secure authentication." };
        store.Put("payment_intent", intent.Id, intent);
        EmitIntent(intent);
        if (intent.Metadata.TryGetValue("subscription_id", out var subscriptionId))
        {
            SettleSubscriptionPayment(subscriptionId, intent);
        }

        return intent;
    }

    public Task<TransferResult> TransferAsync(TransferRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var account = store.Get<SimAccount>(request.ConnectedAccountId);
        if (account is null)
        {
            return Task.FromResult(new TransferResult(TransferOutcome.Failed, Error: $"No such destination: '{request.ConnectedAccountId}'."));
        }

        if (!account.TransfersActive)
        {
            // Stripe refuses transfers to an account without the transfers capability; nothing is created.
            return Task.FromResult(new TransferResult(TransferOutcome.DestinationNotReady, Error: "The destination account cannot receive transfers yet (onboarding unfinished)."));
        }

        if (request.Amount.Amount % 100 == BalanceInsufficientCents && store.Get<SimFlag>($"balance_insufficient_{request.IdempotencyKey}") is null)
        {
            // Test amount: a payout of N.77 finds the platform's available balance short once (as Stripe answers while a
            // charge is still pending); the next attempt succeeds.
            store.Put("flag", $"balance_insufficient_{request.IdempotencyKey}", new SimFlag($"balance_insufficient_{request.IdempotencyKey}"));
            return Task.FromResult(new TransferResult(
                TransferOutcome.Retryable,
                Error: "invalid_request_error/balance_insufficient: You have insufficient available funds in your Stripe account."));
        }

        var transfer = store.GetOrCreate(
            "transfer",
            request.IdempotencyKey,
            () => new SimTransfer(NewId("tr"), request.Amount.Amount, request.Amount.Currency, request.ConnectedAccountId, request.SourceChargeId, request.TransferGroup, request.Metadata),
            t => t.Id);
        return Task.FromResult(new TransferResult(TransferOutcome.Succeeded, transfer.Id));
    }

    public IReadOnlyList<SimTransfer> Transfers() => store.List<SimTransfer>("transfer");

    public IReadOnlyList<SimPaymentIntent> PaymentIntents() => store.List<SimPaymentIntent>("payment_intent");

    public Task<string> CreateConnectedAccountAsync(ConnectedAccountRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var account = store.GetOrCreate(
            "account",
            request.IdempotencyKey,
            () => new SimAccount(NewId("acct"), request.Country, request.Email, DetailsSubmitted: false, PayoutsEnabled: false, TransfersActive: false),
            a => a.Id);
        return Task.FromResult(account.Id);
    }

    public Task<ConnectedAccountStatus> GetConnectedAccountAsync(string connectedAccountId, CancellationToken cancellationToken)
    {
        var account = store.Get<SimAccount>(connectedAccountId) ?? throw new PaymentProviderException($"No such account: '{connectedAccountId}'.");
        IReadOnlyList<string> due = account.DetailsSubmitted ? [] : ["individual.verification.document", "external_account", "tos_acceptance.date"];
        return Task.FromResult(new ConnectedAccountStatus(account.Id, account.PayoutsEnabled, account.TransfersActive, account.DetailsSubmitted, due));
    }

    public Task<string> CreateOnboardingLinkAsync(string connectedAccountId, CancellationToken cancellationToken)
    {
        _ = store.Get<SimAccount>(connectedAccountId) ?? throw new PaymentProviderException($"No such account: '{connectedAccountId}'.");
        var baseUrl = options.Value.PublicBaseUrl?.TrimEnd('/') ?? string.Empty;
        return Task.FromResult($"{baseUrl}/simulator/onboarding/{connectedAccountId}?token={RandomToken(16)}");
    }

    /// <summary>The simulator's hosted onboarding page: the trainer submits everything and the account is enabled.</summary>
    /// <param name="transfers">False plays an account whose transfers capability is not active yet: transfers to it are refused.</param>
    public SimAccount? CompleteOnboarding(string connectedAccountId, bool transfers = true)
    {
        var account = store.Get<SimAccount>(connectedAccountId);
        if (account is null)
        {
            return null;
        }

        account = account with { DetailsSubmitted = true, PayoutsEnabled = true, TransfersActive = transfers };
        store.Put("account", account.Id, account);
        Emit(id => new Application.Webhooks.ConnectedAccountUpdated(id, "account.updated", account.Id));
        return account;
    }

    public Task<string> CreateSetupIntentAsync(string customerId, CancellationToken cancellationToken)
    {
        _ = store.Get<SimCustomer>(customerId) ?? throw new PaymentProviderException($"No such customer: '{customerId}'.");
        return Task.FromResult($"{NewId("seti")}_secret_{RandomToken(16)}");
    }

    public Task<SubscriptionResult> CreateSubscriptionAsync(SubscriptionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var customer = store.Get<SimCustomer>(request.CustomerId) ?? throw new PaymentProviderException($"No such customer: '{request.CustomerId}'.");

        // The first invoice is charged to the default payment method, as Stripe does with allow_incomplete.
        var created = false;
        var subscription = store.GetOrCreate(
            "subscription",
            request.IdempotencyKey,
            () =>
            {
                created = true;
                return new SimSubscription(NewId("sub"), request.CustomerId, request.Plan.ToString().ToLowerInvariant(), "incomplete");
            },
            sub => sub.Id);
        if (created)
        {
            subscription = ChargeFirstInvoice(subscription, customer);
        }

        return Task.FromResult(ToSubscriptionResult(subscription));
    }

    public Task<SubscriptionResult> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = store.Get<SimSubscription>(subscriptionId) ?? throw new PaymentProviderException($"No such subscription: '{subscriptionId}'.");
        return Task.FromResult(ToSubscriptionResult(subscription));
    }

    public Task<SubscriptionResult> CancelSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = store.Get<SimSubscription>(subscriptionId) ?? throw new PaymentProviderException($"No such subscription: '{subscriptionId}'.");
        subscription = subscription with { Status = "canceled" };
        store.Put("subscription", subscription.Id, subscription);
        return Task.FromResult(new SubscriptionResult(subscription.Id, Domain.Billing.SubscriptionStatus.Canceled));
    }

    public Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var intent = store.Get<SimPaymentIntent>(request.PaymentIntentId);
        if (intent is not { Status: "succeeded" } || (request.ChargeId is not null && intent.ChargeId != request.ChargeId))
        {
            return Task.FromResult(new RefundResult(RefundOutcome.Failed, Error: "Only a succeeded charge can be refunded."));
        }

        if (request.Amount.Amount > intent.Amount)
        {
            return Task.FromResult(new RefundResult(RefundOutcome.Failed, Error: "The refund is larger than the charge."));
        }

        var refund = store.GetOrCreate(
            "refund",
            request.IdempotencyKey,
            () => new SimRefund(NewId("re"), intent.ChargeId!, request.Amount.Amount, request.Amount.Currency, "succeeded", request.Reason == RefundReason.Duplicate ? "duplicate" : "requested_by_customer"),
            r => r.Id);
        return Task.FromResult(new RefundResult(RefundOutcome.Succeeded, refund.Id));
    }

    public IReadOnlyList<SimRefund> Refunds() => store.List<SimRefund>("refund");

    public Task<string?> FindRefundAsync(string chargeId, CancellationToken cancellationToken) =>
        Task.FromResult(Refunds().LastOrDefault(r => r.Charge == chargeId)?.Id);



    public SimPaymentIntent? FindPaymentIntent(string id) => store.Get<SimPaymentIntent>(id);

    public SimAccount? FindAccount(string id) => store.Get<SimAccount>(id);

    private SimPaymentIntent CreateIntent(FundingRequest request)
    {
        var id = NewId("pi");
        var customer = store.Get<SimCustomer>(request.CustomerId);
        if (customer is null || !customer.PaymentMethods.Contains(request.PaymentMethodId)
            || !SimulatedPaymentMethods.All.TryGetValue(request.PaymentMethodId, out var method))
        {
            return new SimPaymentIntent(id, request.Amount.Amount, request.Amount.Currency, request.CustomerId, request.PaymentMethodId,
                "requires_payment_method", null, null, "payment_method_unattached", "The payment method is not attached to this customer.", request.TransferGroup, request.Metadata);
        }

        return method.Behaviour switch
        {
            SimulatedChargeBehaviour.Succeeds or SimulatedChargeBehaviour.SucceedsThenDisputed => new SimPaymentIntent(id, request.Amount.Amount, request.Amount.Currency, request.CustomerId, method.Id,
                "succeeded", NewId("ch"), null, null, null, request.TransferGroup, request.Metadata),
            SimulatedChargeBehaviour.Declines or SimulatedChargeBehaviour.AttachesButFails => new SimPaymentIntent(id, request.Amount.Amount, request.Amount.Currency, request.CustomerId, method.Id,
                "requires_payment_method", null, null, method.DeclineCode ?? "card_declined", method.DeclineMessage ?? "Your card was declined.", request.TransferGroup, request.Metadata),
            SimulatedChargeBehaviour.RequiresAction => new SimPaymentIntent(id, request.Amount.Amount, request.Amount.Currency, request.CustomerId, method.Id,
                "requires_action", null, $"{id}_secret_{RandomToken(12)}", null, null, request.TransferGroup, request.Metadata),
            _ => new SimPaymentIntent(id, request.Amount.Amount, request.Amount.Currency, request.CustomerId, method.Id,
                "processing", null, null, null, null, request.TransferGroup, request.Metadata)
            {
                SettlesAt = clock.GetUtcNow().Add(options.Value.SimulatorBankDebitSettleDelay),
            },
        };
    }

    private static FundingResult ToResult(SimPaymentIntent intent) => intent.Status switch
    {
        "succeeded" => new FundingResult(FundingOutcome.Succeeded, intent.Id, intent.ChargeId, Amount: intent.Amount),
        "processing" => new FundingResult(FundingOutcome.Processing, intent.Id, Amount: intent.Amount),
        "requires_action" => new FundingResult(FundingOutcome.RequiresAction, intent.Id, ClientSecret: intent.ClientSecret, Amount: intent.Amount),
        _ => new FundingResult(FundingOutcome.Declined, intent.Id, DeclineCode: intent.DeclineCode, Message: intent.DeclineMessage, Amount: intent.Amount),
    };

    private static string NewId(string prefix) => $"{prefix}_sim_{RandomToken(20)}";

    private static string RandomToken(int length) => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", length);
}

public sealed record SimCustomer(string Id, string Name, string Email, IReadOnlyList<string> PaymentMethods);

public sealed record SimPaymentIntent(
    string Id,
    long Amount,
    string Currency,
    string CustomerId,
    string PaymentMethodId,
    string Status,
    string? ChargeId,
    string? ClientSecret,
    string? DeclineCode,
    string? DeclineMessage,
    string TransferGroup,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>When a processing bank debit succeeds.</summary>
    public DateTimeOffset? SettlesAt { get; init; }
}

public sealed record SimTransfer(
    string Id,
    long Amount,
    string Currency,
    string Destination,
    string? SourceTransaction,
    string TransferGroup,
    IReadOnlyDictionary<string, string> Metadata);

public sealed record SimRefund(string Id, string Charge, long Amount, string Currency, string Status, string? Reason = null);

public sealed record SimSubscription(string Id, string CustomerId, string Plan, string Status)
{
    /// <summary>The first invoice's PaymentIntent while it waits for the customer (3-D Secure).</summary>
    public string? PendingPaymentIntentId { get; init; }
}

/// <summary>A one-time marker in the simulator's ledger (a test trigger that has fired).</summary>
public sealed record SimFlag(string Id);

public sealed record SimAccount(string Id, string Country, string Email, bool DetailsSubmitted, bool PayoutsEnabled, bool TransfersActive);
