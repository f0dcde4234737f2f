using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Invoices;

/// <summary>
/// Issues every invoice: the employer's funding invoice (INV), the trainer's payout record (PAY), a
/// plan's subscription invoice (SUB) and the credit note of a refund (CRN). Each takes the next
/// gap-free number of its kind and year inside the caller's transaction (the number is the first
/// write, so reads happen before it) and names the party as they are named now: an issued invoice
/// keeps that name.
/// </summary>
public sealed class InvoiceIssuer(IInvoiceRepository invoices, IInvoiceNumberSequence numbers, IRepository<Job, JobId> jobs, IReadStore store)
{
    /// <summary>The funding invoice of one attempt: milestone, marketplace fee and, on the first milestone, the contract initiation fee.</summary>
    public async Task<Invoice> IssueFundingAsync(Milestone milestone, int attempt, string? paymentIntentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        var subject = await SubjectAsync(milestone, milestone.EmployerId, attempt, cancellationToken);
        var number = await numbers.NextAsync(InvoiceKind.EmployerFunding, now.Year, cancellationToken);
        return Add(Invoice.IssueFunding(
            number, subject, milestone.Amount, milestone.MarketplaceFee, milestone.ContractInitiationFee, InvoicePaymentStatus.Pending, paymentIntentId, now));
    }

    /// <summary>The trainer's record of a payout: the milestone amount, paid by the transfer.</summary>
    public async Task<Invoice> IssuePayoutAsync(Milestone milestone, string transferId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        var subject = await SubjectAsync(milestone, milestone.TrainerId, null, cancellationToken);
        var number = await numbers.NextAsync(InvoiceKind.TrainerPayout, now.Year, cancellationToken);
        return Add(Invoice.IssuePayout(number, subject, milestone.Amount, transferId, now));
    }

    /// <summary>
    /// The trainers' records of a batch of payouts, as <see cref="IssuePayoutAsync"/> issues each: the jobs and the trainers'
    /// names in one query each, then the consecutive numbers in one statement (the first write of the caller's transaction).
    /// </summary>
    public async Task<IReadOnlyList<Invoice>> IssuePayoutsAsync(IReadOnlyList<(Milestone Milestone, string TransferId)> payouts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payouts);
        if (payouts.Count == 0)
        {
            return [];
        }

        var jobIds = payouts.Select(p => p.Milestone.JobId).Distinct().ToList();
        var titles = (await store.ToListAsync(store.Query<Job>().Where(j => jobIds.Contains(j.Id)).Select(j => new { j.Id, j.Title }), cancellationToken))
            .ToDictionary(j => j.Id, j => j.Title);
        var names = await store.NamesOfAsync([.. payouts.Select(p => p.Milestone.TrainerId).Distinct()], UserRole.Trainer, cancellationToken);
        var taken = await numbers.NextAsync(InvoiceKind.TrainerPayout, now.Year, payouts.Count, cancellationToken);
        var issued = new List<Invoice>(payouts.Count);
        for (var i = 0; i < payouts.Count; i++)
        {
            var (milestone, transferId) = payouts[i];
            var title = titles.TryGetValue(milestone.JobId, out var found) ? found : throw new NotFoundException("Job", milestone.JobId);
            var (name, email) = names[milestone.TrainerId];
            var subject = new InvoiceSubject(
                milestone.EmployerId, milestone.TrainerId, milestone.JobId, milestone.ContractId, milestone.Id, null, title, milestone.Description, name, email);
            issued.Add(Add(Invoice.IssuePayout(taken[i], subject, milestone.Amount, transferId, now)));
        }

        return issued;
    }

    /// <summary>A plan's invoice from the provider's billing, referenced by the provider's invoice id.</summary>
    public async Task<Invoice> IssueSubscriptionAsync(
        UserId employerId, BillingPlan plan, Money amount, InvoicePaymentStatus status, string providerInvoiceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (name, email) = await store.NameOfAsync(employerId, UserRole.Employer, cancellationToken);
        var number = await numbers.NextAsync(InvoiceKind.Subscription, now.Year, cancellationToken);
        return Add(Invoice.IssueSubscription(number, employerId, plan.ToString(), amount, status, providerInvoiceId, now, name, email));
    }

    /// <summary>The credit note of a refunded funding: the original's lines, referring to it.</summary>
    public async Task<Invoice> IssueCreditNoteAsync(Invoice original, string refundReference, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var number = await numbers.NextAsync(InvoiceKind.CreditNote, now.Year, cancellationToken);
        return Add(Invoice.IssueCreditNote(number, original, refundReference, now));
    }

    private async Task<InvoiceSubject> SubjectAsync(Milestone milestone, UserId party, int? attempt, CancellationToken cancellationToken)
    {
        var job = await jobs.FindAsync(milestone.JobId, cancellationToken) ?? throw new NotFoundException("Job", milestone.JobId);
        var (name, email) = await store.NameOfAsync(party, party == milestone.TrainerId ? UserRole.Trainer : UserRole.Employer, cancellationToken);
        return new InvoiceSubject(
            milestone.EmployerId, milestone.TrainerId, milestone.JobId, milestone.ContractId, milestone.Id, attempt, job.Title, milestone.Description, name, email);
    }

    private Invoice Add(Invoice invoice)
    {
        invoices.Add(invoice);
        return invoice;
    }
}
