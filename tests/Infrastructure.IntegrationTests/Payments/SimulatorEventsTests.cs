using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Payments;

/// <summary>
/// The events the simulated provider records, on its own ledger file: listed by time from an index (reconciliation's
/// sweep reads them as Stripe's GET /v1/events), and each handed to the webhook handling by one delivery only.
/// </summary>
public sealed class SimulatorEventsTests : IDisposable
{
    private readonly TestDatabase _directory = TestDatabase.Empty();
    private readonly FakeTimeProvider _clock = new(Moments.Now);
    private readonly string _ledger;

    public SimulatorEventsTests() => _ledger = Path.Combine(_directory.Directory, "simulator", "payment-simulator.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ListEvents_ReturnsTheEventsFromTheMomentOnOldestFirst_ByTheTimeIndex()
    {
        var simulator = Simulator(new SimulatorStore(_ledger));
        var customer = await simulator.EnsureCustomerAsync(new CustomerRequest(Parties.Employer, "Ada Employer", "ada@example.com"), CancellationToken.None);
        await simulator.AttachPaymentMethodAsync(customer, "pm_card_visa", CancellationToken.None);
        var intents = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            intents.Add((await simulator.FundAsync(Request(customer, $"fund-{i}"), CancellationToken.None)).PaymentIntentId!);
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        var listed = (await simulator.ListEventsAsync(Moments.Now.AddSeconds(30), continueAfter: null, CancellationToken.None)).Events;

        Assert.Equal(intents[1..], listed.Select(e => ((PaymentIntentChanged)e.Event).Result.PaymentIntentId));
        Assert.Equal([Moments.Now.AddMinutes(1), Moments.Now.AddMinutes(2)], listed.Select(e => e.CreatedAt));
        Assert.Contains("USING INDEX events_by_time", QueryPlan(SimulatorStore.EventsSinceSql, ("$since", Moments.Now.UtcTicks)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TakeUndelivered_FromManyDeliveriesAtOnce_HandsEachEventToOneOfThem()
    {
        var simulator = Simulator(new SimulatorStore(_ledger));
        var customer = await simulator.EnsureCustomerAsync(new CustomerRequest(Parties.Employer, "Ada Employer", "ada@example.com"), CancellationToken.None);
        await simulator.AttachPaymentMethodAsync(customer, "pm_card_visa", CancellationToken.None);
        for (var i = 0; i < 20; i++)
        {
            await simulator.FundAsync(Request(customer, $"fund-{i}"), CancellationToken.None);
        }

        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(simulator.TakeUndeliveredEvents)));

        var ids = taken.SelectMany(t => t).Select(e => e.EventId).ToList();
        Assert.Equal(20, ids.Count);
        Assert.Equal(20, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(simulator.TakeUndeliveredEvents());
    }

    [Fact]
    public async Task ReturnUndelivered_PutsTheEventBackForTheNextDelivery()
    {
        var simulator = Simulator(new SimulatorStore(_ledger));
        var customer = await simulator.EnsureCustomerAsync(new CustomerRequest(Parties.Employer, "Ada Employer", "ada@example.com"), CancellationToken.None);
        await simulator.AttachPaymentMethodAsync(customer, "pm_card_visa", CancellationToken.None);
        await simulator.FundAsync(Request(customer, "fund-1"), CancellationToken.None);
        var taken = Assert.Single(simulator.TakeUndeliveredEvents());

        simulator.ReturnUndelivered(taken.EventId);

        Assert.Equal(taken.EventId, Assert.Single(simulator.TakeUndeliveredEvents()).EventId);
    }

    [Fact]
    public async Task OpeningALedgerThatKeptEventsAsDocuments_MovesThemOnceAndListsThemByTime()
    {
        var old = new SimulatorStore(_ledger);
        var earlier = new SimEvent("evt_old_1", "account.updated", Moments.Now, nameof(ConnectedAccountUpdated), """{"eventId":"evt_old_1","type":"account.updated","accountId":"acct_1"}""", Delivered: false);
        var later = new SimEvent("evt_old_2", "account.updated", Moments.Now.AddMinutes(1), nameof(ConnectedAccountUpdated), """{"eventId":"evt_old_2","type":"account.updated","accountId":"acct_2"}""", Delivered: true);
        old.Put("event", later.Id, later);
        old.Put("event", earlier.Id, earlier);

        var reopened = Simulator(new SimulatorStore(_ledger));
        var listed = (await reopened.ListEventsAsync(Moments.Now.AddDays(-1), continueAfter: null, CancellationToken.None)).Events;

        Assert.Equal(["evt_old_1", "evt_old_2"], listed.Select(e => e.Event.EventId));
        Assert.Equal("acct_2", ((ConnectedAccountUpdated)listed[1].Event).AccountId);
        Assert.Equal("evt_old_1", Assert.Single(reopened.TakeUndeliveredEvents()).EventId);
        Assert.Empty(new SimulatorStore(_ledger).List<SimEvent>("event"));
    }

    private PaymentSimulator Simulator(SimulatorStore store) =>
        new(store, Microsoft.Extensions.Options.Options.Create(new Infrastructure.Payments.PaymentOptions()), _clock);

    private static FundingRequest Request(string customerId, string key)
    {
        var milestoneId = Guid.NewGuid().ToString();
        return new FundingRequest(
            Parties.Employer,
            customerId,
            "pm_card_visa",
            Domain.Billing.PaymentMethodType.Card,
            Money.FromCents(55_995),
            key,
            "Preference data: Batch 1",
            new Dictionary<string, string> { ["milestone_id"] = milestoneId, ["funding_attempt"] = "1" },
            milestoneId);
    }

    private string QueryPlan(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={_ledger}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return string.Join(" | ", plan);
    }
}
