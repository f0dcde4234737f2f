using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Payments.Stripe;
using OpenTrain.Clean.TestSupport.FakeStripe;
using Stripe;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Stripe;

/// <summary>The real <see cref="StripePaymentGateway"/> on the real Stripe.net client, pointed at a <see cref="FakeStripeServer"/>.</summary>
internal sealed class StripeTestGateway
{
    public const string AgencyPrice = "price_1FkAgencyMonthly";

    private StripeTestGateway(StripePaymentGateway gateway, StripeCapturingLogger<StripePaymentGateway> log, StripeOptions options)
    {
        Gateway = gateway;
        Log = log;
        Options = options;
    }

    public StripePaymentGateway Gateway { get; }

    public StripeCapturingLogger<StripePaymentGateway> Log { get; }

    public StripeOptions Options { get; }

    /// <summary>
    /// Stripe.net's own retries are off, so each call reaches the fake once and the test sees every failure.
    /// The timeout is Stripe's production default unless a test wants a call to time out: a short one
    /// fails calls meant to succeed whenever the machine is busy (a SocketException "Operation canceled"
    /// inside HttpConnection.SendAsync).
    /// </summary>
    public static StripeTestGateway For(FakeStripeServer fake, TimeSpan? timeout = null, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(fake);
        var options = new StripeOptions
        {
            SecretKey = apiKey ?? fake.ApiKey,
            ApiBase = fake.Url,
            ConnectBase = fake.Url,
            Timeout = timeout ?? new StripeOptions().Timeout,
            MaxNetworkRetries = 0,
            ConnectRefreshUrl = "https://app.opentrain.test/settings/payouts/refresh",
            ConnectReturnUrl = "https://app.opentrain.test/settings/payouts",
            Prices = { Agency = AgencyPrice },
        };
        var client = new StripeClient(
            options.SecretKey,
            httpClient: new SystemNetHttpClient(new HttpClient { Timeout = options.Timeout }, maxNetworkRetries: 0),
            apiBase: fake.Url,
            connectBase: fake.Url);
        var log = new StripeCapturingLogger<StripePaymentGateway>();
        return new StripeTestGateway(new StripePaymentGateway(client, Microsoft.Extensions.Options.Options.Create(options), log), log, options);
    }

    /// <summary>A customer with <paramref name="testMethod"/> attached as its default, through the gateway.</summary>
    public async Task<(string CustomerId, PaymentMethodSummary Method)> CustomerWithMethodAsync(string testMethod = "pm_card_visa")
    {
        var customerId = await Gateway.EnsureCustomerAsync(new CustomerRequest(new UserId(Guid.CreateVersion7()), "Ada Employer", "ada@example.test"), CancellationToken.None);
        var method = await Gateway.AttachPaymentMethodAsync(customerId, testMethod, CancellationToken.None);
        return (customerId, method);
    }

    /// <summary>A connected account; enabled on the fake unless told otherwise.</summary>
    public async Task<string> ConnectedAccountAsync(FakeStripeServer fake, bool enabled = true)
    {
        ArgumentNullException.ThrowIfNull(fake);
        var trainer = new UserId(Guid.CreateVersion7());
        var accountId = await Gateway.CreateConnectedAccountAsync(new ConnectedAccountRequest(trainer, "US", "trainer@example.test", $"account-{trainer.Value:N}"), CancellationToken.None);
        if (enabled)
        {
            fake.EnableAccount(accountId);
        }

        return accountId;
    }
}

/// <summary>
/// A milestone funded the way the application funds it: the request comes from
/// <see cref="FundingRequests.For"/>, the payout request is built like the payout claim builds it.
/// </summary>
internal sealed class StripeEscrowScenario
{
    public const long MilestoneCents = 50_000;

    /// <summary>Milestone + 10% marketplace fee + $9.95 contract initiation fee (first milestone).</summary>
    public const long EmployerTotalCents = 55_995;

    private StripeEscrowScenario(Job job, Milestone milestone, EmployerBillingProfile billing, PaymentMethodSummary method)
    {
        Job = job;
        Milestone = milestone;
        Billing = billing;
        Method = method;
    }

    public Job Job { get; }

    public Milestone Milestone { get; }

    public EmployerBillingProfile Billing { get; }

    public PaymentMethodSummary Method { get; }

    public string MilestoneId => Milestone.Id.Value.ToString();

    public static StripeEscrowScenario Create(string customerId, PaymentMethodSummary method)
    {
        var now = DateTimeOffset.UtcNow;
        var employer = new UserId(Guid.CreateVersion7());
        var trainer = new UserId(Guid.CreateVersion7());
        var job = Job.Create(employer, "Label 5,000 RLHF preference pairs", null, now);
        var contract = Contract.Hire(job, trainer, now);
        var milestone = Milestone.Create(contract.Id, job.Id, employer, trainer, contract.NextMilestoneSequence(), "Batch 1", "First 1,000 preference pairs", Money.FromCents(MilestoneCents), null, FeeSchedule.Default, now);
        var billing = EmployerBillingProfile.Open(employer, now);
        billing.LinkCustomer(customerId);
        billing.SetDefaultPaymentMethod(method, now);
        return new StripeEscrowScenario(job, milestone, billing, method);
    }

    /// <summary>Starts the next funding attempt and returns its provider request.</summary>
    public FundingInstruction BeginFunding()
    {
        Milestone.BeginFunding(Milestone.EmployerId, DateTimeOffset.UtcNow);
        return FundingRequests.For(Milestone, Job, Billing, Method);
    }

    public void RecordDecline(int attempt) =>
        Milestone.MarkFundingFailed(attempt, new FundingError("card_declined", "declined"), DateTimeOffset.UtcNow);

    /// <summary>The transfer request of this milestone's payout, as the payout claim builds it.</summary>
    public TransferRequest Payout(string connectedAccountId, string? chargeId) => new(
        connectedAccountId,
        Milestone.Amount,
        chargeId,
        Milestone.Id.Value.ToString(),
        ProviderIdempotencyKeys.Payout(Milestone.Id),
        new Dictionary<string, string>
        {
            ["milestone_id"] = Milestone.Id.Value.ToString(),
            ["contract_id"] = Milestone.ContractId.Value.ToString(),
            ["job_id"] = Milestone.JobId.Value.ToString(),
            ["trainer_id"] = Milestone.TrainerId.Value.ToString(),
        });
}

internal sealed class StripeCapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
