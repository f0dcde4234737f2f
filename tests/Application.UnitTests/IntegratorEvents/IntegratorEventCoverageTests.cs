using System.Runtime.CompilerServices;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Application.UnitTests.IntegratorEvents;

/// <summary>
/// Every domain event becomes a catalog event or is listed, with its reason, in
/// <see cref="IntegratorEventMapping.NotForIntegrators"/>: an event the mapping does not know can no longer vanish unnoticed.
/// </summary>
public sealed class IntegratorEventCoverageTests
{
    private static readonly IReadOnlyList<Type> DomainEventTypes = [.. typeof(IDomainEvent).Assembly.GetTypes()
        .Where(t => typeof(IDomainEvent).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .OrderBy(t => t.Name, StringComparer.Ordinal)];

    [Fact]
    public async Task MapAsync_ForEveryDomainEvent_MapsToTheCatalogOrIsExcludedWithAReason()
    {
        Assert.True(DomainEventTypes.Count > 20, "the domain's events were not found");

        Assert.Empty(await UnaccountedForAsync(DomainEventTypes));
    }

    /// <summary>The canary: an event added to the domain and forgotten by the mapping fails the coverage check.</summary>
    [Fact]
    public async Task MapAsync_WhenANewDomainEventIsNeitherMappedNorExcluded_IsReported()
    {
        var unaccounted = await UnaccountedForAsync([.. DomainEventTypes, typeof(CanaryEventNobodyMapped)]);

        Assert.Equal(typeof(CanaryEventNobodyMapped), Assert.Single(unaccounted));
    }

    [Fact]
    public async Task NotForIntegrators_ListsOnlyDomainEventsThatMapToNothing_EachWithAReason()
    {
        foreach (var (type, reason) in IntegratorEventMapping.NotForIntegrators)
        {
            Assert.Contains(type, DomainEventTypes);
            Assert.False(string.IsNullOrWhiteSpace(reason), $"{type.Name} is excluded without a reason");
            Assert.Empty(await CatalogTypesOfAsync(type));
        }
    }

    [Fact]
    public async Task MapAsync_WhenADisputeCloses_TellsBothPartiesThatTheMilestoneIsNoLongerDisputed()
    {
        var milestone = Aggregates.FundedMilestone();
        milestone.OpenDispute("dp_1", Moments.Now);
        milestone.ClearDomainEvents();
        milestone.CloseDispute(Moments.Now.AddDays(20));

        var drafts = await IntegratorEventMapping.MapAsync(milestone, milestone.DomainEvents.OfType<MilestoneDisputeClosed>().Single(), NoFacts.Instance, CancellationToken.None);

        Assert.Equal([Parties.Employer, Parties.Trainer], drafts.Select(d => d.RecipientId));
        Assert.All(drafts, d => Assert.Equal((IntegratorEventCatalog.MilestoneDisputeClosed, false), (d.Type, ((MilestoneResponse)d.Data).Disputed)));
    }

    [Fact]
    public async Task MapAsync_WhenADuplicateChargeIsRefunded_TellsTheEmployerAloneWhichChargeWentBack()
    {
        var milestone = Aggregates.FundedMilestone();
        milestone.RecordDuplicateCharge(1, "pi_late", "ch_late", milestone.EmployerTotal, Moments.Now);
        milestone.ClearDomainEvents();
        milestone.RecordDuplicateChargeRefunded("pi_late", "re_late", milestone.EmployerTotal, Moments.Now.AddSeconds(5));

        var drafts = await IntegratorEventMapping.MapAsync(milestone, milestone.DomainEvents.Single(), NoFacts.Instance, CancellationToken.None);

        var draft = Assert.Single(drafts);
        Assert.Equal((IntegratorEventCatalog.MilestoneDuplicateChargeRefunded, Parties.Employer), (draft.Type, draft.RecipientId));
        var last = ((MilestoneResponse)draft.Data).Timeline![^1];
        Assert.Equal(("duplicate_charge_refunded", "pi_late"), (last.Action, last.Note));
    }

    /// <summary>The domain event types among <paramref name="eventTypes"/> that produce no catalog event and are not excluded.</summary>
    private static async Task<List<Type>> UnaccountedForAsync(IEnumerable<Type> eventTypes)
    {
        var unaccounted = new List<Type>();
        foreach (var type in eventTypes)
        {
            var catalogTypes = await CatalogTypesOfAsync(type);
            Assert.All(catalogTypes, t => Assert.True(IntegratorEventCatalog.IsKnown(t), $"{type.Name} maps to {t}, which is not in the catalog"));
            if (catalogTypes.Count == 0 && !IntegratorEventMapping.NotForIntegrators.ContainsKey(type))
            {
                unaccounted.Add(type);
            }
        }

        return unaccounted;
    }

    /// <summary>
    /// What the mapping makes of an event of <paramref name="eventType"/> raised by any kind of aggregate. The event is made
    /// without its constructor: the mapping chooses by the event's type and reads its data from the aggregate.
    /// </summary>
    private static async Task<List<string>> CatalogTypesOfAsync(Type eventType)
    {
        var domainEvent = (IDomainEvent)RuntimeHelpers.GetUninitializedObject(eventType);
        var types = new List<string>();
        foreach (var aggregate in Aggregates.OneOfEachKind())
        {
            types.AddRange((await IntegratorEventMapping.MapAsync(aggregate, domainEvent, NoFacts.Instance, CancellationToken.None)).Select(d => d.Type));
        }

        return types;
    }

    private sealed record CanaryEventNobodyMapped(MilestoneId MilestoneId, DateTimeOffset OccurredAt) : IDomainEvent;

    private static class Aggregates
    {
        public static Milestone FundedMilestone()
        {
            var milestone = NewMilestone();
            var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);
            milestone.MarkFunded(attempt.Number, "pi_1", "ch_1", Moments.Now);
            return milestone;
        }

        public static IEnumerable<IAggregateRoot> OneOfEachKind()
        {
            var job = Job.Create(Parties.Employer, "Project", null, Moments.Now);
            yield return job;
            yield return Contract.Hire(job, Parties.Trainer, Moments.Now);
            yield return FundedMilestone();
            yield return Invoice.IssueFunding(
                "INV-2026-000001",
                new InvoiceSubject(Parties.Employer, Parties.Trainer, null, null, null, 1, "Project", "Batch 1"),
                Money.FromCents(50_000), Money.FromCents(5_000), Money.FromCents(995), InvoicePaymentStatus.Paid, "pi_1", Moments.Now);
            yield return TrainerPayoutAccount.Start(Parties.Trainer, "US", "acct_1", Moments.Now);
            yield return EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        }

        private static Milestone NewMilestone()
        {
            var job = Job.Create(Parties.Employer, "Project", null, Moments.Now);
            var contract = Contract.Hire(job, Parties.Trainer, Moments.Now);
            return Milestone.Create(contract.Id, job.Id, Parties.Employer, Parties.Trainer, contract.NextMilestoneSequence(), null, "Batch 1", Money.FromCents(50_000), null, FeeSchedule.Default, Moments.Now);
        }
    }

    private sealed class NoFacts : IIntegratorEventFacts
    {
        public static readonly NoFacts Instance = new();

        public ValueTask<int> CountPendingPayoutsAsync(UserId trainerId, CancellationToken cancellationToken) => ValueTask.FromResult(0);
    }
}
