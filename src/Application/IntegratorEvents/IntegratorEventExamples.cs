using System.Text.RegularExpressions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;

namespace OpenTrain.Clean.Application.IntegratorEvents;

/// <summary>
/// One example of every catalog event, made the way real ones are: a sample hire is taken through the
/// domain's own methods and each change goes through <see cref="IntegratorEventMapping"/>. Ids and times
/// are fixed so the documentation is the same on every start.
/// </summary>
public static partial class IntegratorEventExamples
{
    private static readonly DateTimeOffset Start = new(2026, 6, 12, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Event type to the event's JSON, as a webhook delivery to the employer (or the trainer, for their own resources) carries it.</summary>
    public static IReadOnlyDictionary<string, string> ByType { get; } = Build();

    private static Dictionary<string, string> Build()
    {
        var examples = new Dictionary<string, string>(StringComparer.Ordinal);
        var scenario = new Scenario(examples);
        var employer = new UserId(Guid.Parse("0197a1b2-0000-7000-8000-00000000e001"));
        var trainer = new UserId(Guid.Parse("0197a1b2-0000-7000-8000-00000000a001"));
        var t = Start;

        var job = Job.Create(employer, "RLHF preference labelling", null, t);
        var contract = Contract.Hire(job, trainer, t);
        var milestone = NewMilestone(contract, job, employer, trainer, "First 1,000 preference pairs", t);
        scenario.Changed(contract);
        scenario.Changed(milestone);

        var declined = milestone.BeginFunding(employer, t = t.AddMinutes(1));
        scenario.Changed(milestone);
        milestone.MarkFundingFailed(declined.Number, new FundingError("card_declined", "Your card was declined."), t = t.AddSeconds(2));
        scenario.Changed(milestone);
        var funding = milestone.BeginFunding(employer, t = t.AddMinutes(5));
        milestone.MarkFunded(funding.Number, "pi_3PqExample0001", "ch_3PqExample0001", t = t.AddSeconds(2));
        scenario.Changed(milestone);

        var invoice = Invoice.IssueFunding(
            "INV-2026-000042",
            new InvoiceSubject(employer, trainer, job.Id, contract.Id, milestone.Id, funding.Number, job.Title, milestone.Description),
            milestone.Amount, milestone.MarketplaceFee, milestone.ContractInitiationFee, InvoicePaymentStatus.Pending, "pi_3PqExample0001", t);
        scenario.Changed(invoice);
        invoice.MarkPaid("pi_3PqExample0001", t = t.AddSeconds(1));
        scenario.Changed(invoice);

        milestone.Submit(trainer, "Delivered in the shared bucket", t = t.AddDays(3));
        scenario.Changed(milestone);
        milestone.RequestChanges(employer, "Please relabel the pairs flagged in the review sheet.", t = t.AddHours(5));
        scenario.Changed(milestone);
        milestone.Submit(trainer, "Relabelled as asked", t = t.AddDays(1));
        milestone.Approve(employer, t = t.AddHours(2));
        scenario.Changed(milestone);
        milestone.DeferPayout(PayoutPendingReason.PayoutSetupIncomplete, null, null, t = t.AddSeconds(5));
        scenario.Changed(milestone);

        var account = TrainerPayoutAccount.Start(trainer, "US", "acct_1PqExample0001", t = t.AddHours(1));
        account.ApplyProviderStatus(payoutsEnabled: true, transfersActive: true, [], detailsSubmitted: true, t = t.AddMinutes(10));
        scenario.Changed(account);

        milestone.RetryPayout(t);
        milestone.DeferPayout(PayoutPendingReason.Retrying, t.AddMinutes(1), "Stripe rate limit; trying again.", t = t.AddSeconds(5));
        scenario.Changed(milestone);
        milestone.MarkPaid("tr_1PqExample0001", t = t.AddMinutes(1));
        scenario.Changed(milestone);

        var parked = FundedMilestone(contract, job, employer, trainer, "Batch 2", ref t);
        parked.Approve(employer, t = t.AddDays(2));
        parked.FailPayout("The destination account cannot receive transfers in USD.", t = t.AddSeconds(5));
        scenario.Changed(parked);

        var refunded = FundedMilestone(contract, job, employer, trainer, "Batch 3", ref t);
        refunded.RequestRefund(t = t.AddDays(1));
        refunded.MarkRefunded("re_3PqExample0001", t = t.AddSeconds(3));
        scenario.Changed(refunded);

        var disputed = FundedMilestone(contract, job, employer, trainer, "Batch 4", ref t);
        disputed.OpenDispute("dp_1PqExample0001", t = t.AddDays(4));
        scenario.Changed(disputed);

        var billing = EmployerBillingProfile.Open(employer, Start);
        billing.ChangePlan(BillingPlan.Agency, SubscriptionStatus.Active, "sub_1PqExample0001", t = t.AddDays(1));
        scenario.Changed(billing);

        disputed.CloseDispute(t = t.AddDays(30));
        scenario.Changed(disputed);

        var duplicated = FundedMilestone(contract, job, employer, trainer, "Batch 5", ref t);
        duplicated.RecordDuplicateCharge(1, "pi_3PqExample0099", "ch_3PqExample0099", duplicated.EmployerTotal, t = t.AddHours(2));
        scenario.Changed(duplicated);
        duplicated.RecordDuplicateChargeRefunded("pi_3PqExample0099", "re_3PqExample0099", duplicated.EmployerTotal, t = t.AddSeconds(4));
        scenario.Changed(duplicated);
        return examples;
    }

    private static Milestone NewMilestone(Contract contract, Job job, UserId employer, UserId trainer, string description, DateTimeOffset t) =>
        Milestone.Create(contract.Id, job.Id, employer, trainer, contract.NextMilestoneSequence(), null, description, Money.FromCents(50_000), null, FeeSchedule.Default, t);

    private static Milestone FundedMilestone(Contract contract, Job job, UserId employer, UserId trainer, string description, ref DateTimeOffset t)
    {
        var milestone = NewMilestone(contract, job, employer, trainer, description, t = t.AddDays(1));
        var attempt = milestone.BeginFunding(employer, t = t.AddMinutes(1));
        milestone.MarkFunded(attempt.Number, "pi_3PqExample" + milestone.Sequence.ToString("0000", System.Globalization.CultureInfo.InvariantCulture), null, t = t.AddSeconds(2));
        ((IAggregateRoot)milestone).ClearDomainEvents();
        return milestone;
    }

    /// <summary>Plays each change as a save: maps its events, keeps the first example of each type, then bumps the version.</summary>
    private sealed partial class Scenario(Dictionary<string, string> examples) : IIntegratorEventFacts
    {
        private readonly Dictionary<Guid, string> _stableIds = [];

        public void Changed(IAggregateRoot aggregate)
        {
            var ordinal = 0;
            foreach (var domainEvent in aggregate.DomainEvents)
            {
                var drafts = IntegratorEventMapping.MapAsync(aggregate, domainEvent, this, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                var sequence = ((long)aggregate.Version * 1000) + ordinal++;
                foreach (var draft in drafts.Where(d => !examples.ContainsKey(d.Type)))
                {
                    var json = IntegratorEventJson.Serialize(Guid.CreateVersion7(), draft.Type, domainEvent.OccurredAt, new IntegratorEventResource(draft.ResourceType, draft.ResourceId, sequence), draft.Data);
                    examples[draft.Type] = Stable(json);
                }
            }

            aggregate.ClearDomainEvents();
            aggregate.IncrementVersion();
        }

        public ValueTask<int> CountPendingPayoutsAsync(UserId trainerId, CancellationToken cancellationToken) => ValueTask.FromResult(1);

        /// <summary>Random ids become fixed ones, the same id always the same replacement.</summary>
        private string Stable(string json) => GuidPattern().Replace(json, match =>
        {
            var id = Guid.Parse(match.Value);
            if (!_stableIds.TryGetValue(id, out var stable))
            {
                stable = id.ToString().StartsWith("0197a1b2-", StringComparison.Ordinal)
                    ? id.ToString()
                    : $"0197a1b2-0000-7000-8000-{_stableIds.Count + 1:x12}";
                _stableIds[id] = stable;
            }

            return stable;
        });

        [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
        private static partial Regex GuidPattern();
    }
}
