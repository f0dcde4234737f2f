using System.Text.Json;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.UnitTests.IntegratorEvents;

public sealed class IntegratorEventMappingTests
{
    private static readonly NoFacts Facts = new();

    /// <summary>The examples are made by driving a sample hire through the domain and this mapping: one per type proves every type is reachable.</summary>
    [Fact]
    public void Examples_ForEveryCatalogType_AreProducedByTheMapping()
    {
        Assert.Equal(
            IntegratorEventCatalog.Kinds.Select(k => k.Type).Order(StringComparer.Ordinal),
            IntegratorEventExamples.ByType.Keys.Order(StringComparer.Ordinal));
        Assert.All(IntegratorEventExamples.ByType, example =>
        {
            using var json = JsonDocument.Parse(example.Value);
            Assert.Equal(example.Key, json.RootElement.GetProperty("type").GetString());
            var kind = IntegratorEventCatalog.Kinds.Single(k => k.Type == example.Key);
            Assert.Equal(kind.ResourceType, json.RootElement.GetProperty("resource").GetProperty("type").GetString());
        });
    }

    [Fact]
    public async Task MapAsync_WhenAMilestoneNeedsThreeDSecure_ShowsTheClientSecretToTheEmployerOnly()
    {
        var milestone = NewMilestone();
        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFundingAwaitingAction(attempt.Number, "pi_1", "pi_1_secret_abc", "requires_action", Moments.Now);
        var started = milestone.DomainEvents.OfType<MilestoneFundingStarted>().Single();

        var drafts = await IntegratorEventMapping.MapAsync(milestone, started, Facts, CancellationToken.None);

        Assert.Equal([Parties.Employer, Parties.Trainer], drafts.Select(d => d.RecipientId));
        Assert.All(drafts, d => Assert.Equal(IntegratorEventCatalog.MilestoneFundingStarted, d.Type));
        Assert.Equal("pi_1_secret_abc", ((MilestoneResponse)drafts[0].Data).Funding.ClientSecret);
        Assert.Null(((MilestoneResponse)drafts[1].Data).Funding.ClientSecret);
    }

    [Theory]
    [InlineData(PayoutPendingReason.PayoutSetupIncomplete, IntegratorEventCatalog.PayoutPending)]
    [InlineData(PayoutPendingReason.Retrying, IntegratorEventCatalog.PayoutRetrying)]
    public async Task MapAsync_WhenAPayoutIsDeferred_NamesItByItsReason(PayoutPendingReason reason, string expectedType)
    {
        var milestone = NewMilestone();
        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFunded(attempt.Number, "pi_1", "ch_1", Moments.Now);
        milestone.Approve(Parties.Employer, Moments.Now);
        milestone.DeferPayout(reason, Moments.Now.AddMinutes(1), null, Moments.Now);

        var drafts = await IntegratorEventMapping.MapAsync(milestone, milestone.DomainEvents.OfType<MilestonePayoutDeferred>().Single(), Facts, CancellationToken.None);

        Assert.All(drafts, d => Assert.Equal(expectedType, d.Type));
    }

    [Fact]
    public async Task MapAsync_WhenAPayoutInvoiceIsIssued_GoesToTheTrainerAlone()
    {
        var subject = new InvoiceSubject(Parties.Employer, Parties.Trainer, null, null, null, null, "Project", "Batch 1");
        var invoice = Invoice.IssuePayout("PAY-2026-000001", subject, Money.FromCents(50_000), "tr_1", Moments.Now);

        var drafts = await IntegratorEventMapping.MapAsync(invoice, invoice.DomainEvents.Single(), Facts, CancellationToken.None);

        var draft = Assert.Single(drafts);
        Assert.Equal((IntegratorEventCatalog.InvoiceIssued, Parties.Trainer), (draft.Type, draft.RecipientId));
    }

    [Fact]
    public async Task MapAsync_WhenAFundingInvoiceIsIssued_GoesToTheEmployerAlone()
    {
        var subject = new InvoiceSubject(Parties.Employer, Parties.Trainer, null, null, null, 1, "Project", "Batch 1");
        var invoice = Invoice.IssueFunding("INV-2026-000001", subject, Money.FromCents(50_000), Money.FromCents(5_000), Money.FromCents(995), InvoicePaymentStatus.Paid, "pi_1", Moments.Now);

        var drafts = await IntegratorEventMapping.MapAsync(invoice, invoice.DomainEvents.Single(), Facts, CancellationToken.None);

        Assert.Equal(Parties.Employer, Assert.Single(drafts).RecipientId);
    }

    [Fact]
    public async Task MapAsync_ForAnEventOutsideTheCatalog_GivesNothing()
    {
        var milestone = NewMilestone();
        milestone.ClearDomainEvents();
        milestone.Cancel(Parties.Employer, Moments.Now);

        Assert.Empty(await IntegratorEventMapping.MapAsync(milestone, milestone.DomainEvents.Single(), Facts, CancellationToken.None));
    }

    private static Milestone NewMilestone()
    {
        var job = Job.Create(Parties.Employer, "Project", null, Moments.Now);
        var contract = Contract.Hire(job, Parties.Trainer, Moments.Now);
        return Milestone.Create(contract.Id, job.Id, Parties.Employer, Parties.Trainer, contract.NextMilestoneSequence(), null, "Batch 1", Money.FromCents(50_000), null, FeeSchedule.Default, Moments.Now);
    }

    private sealed class NoFacts : IIntegratorEventFacts
    {
        public ValueTask<int> CountPendingPayoutsAsync(UserId trainerId, CancellationToken cancellationToken) => ValueTask.FromResult(0);
    }
}
