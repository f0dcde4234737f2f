using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.Funding;

/// <summary>
/// The steps of funding. Each runs inside a transaction its caller owns: <see cref="FundingProcess"/>
/// commits them one at a time around the provider call, a webhook applies an outcome in its own.
/// Nothing here saves or calls the provider.
/// </summary>
public sealed class FundingSteps(
    IMilestoneRepository milestones,
    IRepository<Job, JobId> jobs,
    IRepository<EmployerBillingProfile, UserId> billingProfiles,
    IRepository<Contract, ContractId> contracts,
    IInvoiceRepository invoices,
    InvoiceIssuer invoiceIssuer,
    IOptions<FundingOptions> options,
    TimeProvider clock)
{
    /// <summary>The attempt's error when Stripe never said what became of it (the same words as the 502 problem).</summary>
    private const string PaymentProviderUnavailable = "payment_provider_unavailable";

    /// <summary>Starts a new attempt on the employer's milestone (status <c>funding</c>) and fixes its provider request.</summary>
    public async Task<FundingInstruction> BeginAsync(MilestoneId milestoneId, UserId employerId, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(milestoneId, cancellationToken);
        if (milestone is null || milestone.EmployerId != employerId)
        {
            throw new NotFoundException("Milestone", milestoneId.Value);
        }

        var job = await jobs.FindAsync(milestone.JobId, cancellationToken) ?? throw new NotFoundException("Job", milestone.JobId);
        job.EnsureOpen();
        var billing = await billingProfiles.FindAsync(milestone.EmployerId, cancellationToken);
        var paymentMethod = billing?.EnsureCanFund()
            ?? throw new DomainException(EmployerBillingProfile.PaymentMethodRequired, "Add a payment method first (POST /api/v1/billing/payment-methods with a pm_... id, or POST /api/v1/billing/setup-intents for Stripe.js), then fund the milestone again.");

        milestone.BeginFunding(employerId, clock.GetUtcNow(), paymentMethod);
        return FundingRequests.For(milestone, job, billing, paymentMethod);
    }

    /// <summary>
    /// Takes a due reconciliation check (pushes the next one out, so two workers do not both ask) and
    /// says what to ask: the known intent, or the attempt's own request again. Null when nothing is in flight.
    /// </summary>
    public async Task<FundingCheck?> StartCheckAsync(MilestoneId milestoneId, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(milestoneId, cancellationToken);
        if (milestone is null || milestone.Status != MilestoneStatus.Funding)
        {
            return null;
        }

        milestone.TakeFundingCheck(clock.GetUtcNow(), options.Value.CheckDelay);
        if (!string.IsNullOrEmpty(milestone.Funding.PaymentIntentId))
        {
            return new FundingCheck(milestone.Funding.Attempts, milestone.Funding.PaymentIntentId, null);
        }

        var job = await jobs.FindAsync(milestone.JobId, cancellationToken);
        var billing = await billingProfiles.FindAsync(milestone.EmployerId, cancellationToken);
        if (job is null || billing?.DefaultPaymentMethod is null || billing.CustomerId is null)
        {
            return null;
        }

        // Send the attempt's own request again: the same key with another payment method is not the same request.
        var attemptMethod = milestone is { Funding.PaymentMethodId: { } id, Funding.PaymentMethodType: { } type }
            ? new PaymentMethodSummary(id, type, null, null)
            : billing.DefaultPaymentMethod;
        return new FundingCheck(milestone.Funding.Attempts, null, FundingRequests.For(milestone, job, billing, attemptMethod));
    }

    /// <summary>
    /// Applies what the provider said to the milestone, the contract and the attempt's funding invoice.
    /// Safe to repeat: a result for an attempt that is no longer in flight changes nothing.
    /// </summary>
    public async Task<FundingResponse> RecordOutcomeAsync(MilestoneId milestoneId, int attempt, FundingResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var milestone = await milestones.FindAsync(milestoneId, cancellationToken) ?? throw new NotFoundException("Milestone", milestoneId.Value);
        var now = clock.GetUtcNow();
        var invoice = await invoices.FindFundingInvoiceAsync(milestoneId, attempt, cancellationToken);
        if (milestone.IsFundingAttemptInFlight(attempt))
        {
            invoice ??= await invoiceIssuer.IssueFundingAsync(milestone, attempt, result.PaymentIntentId, now, cancellationToken);
            await ApplyAsync(milestone, invoice, attempt, result, now, cancellationToken);
        }
        else if (result is { Outcome: FundingOutcome.Succeeded, PaymentIntentId: { } paymentIntentId } && !milestone.IsFundedBy(paymentIntentId))
        {
            invoice = await ApplyLateSuccessAsync(milestone, invoice, attempt, paymentIntentId, result, now, cancellationToken);
        }

        return new FundingResponse(
            milestone.ToResponse(viewerIsEmployer: true, includeTimeline: false),
            result.Outcome,
            result.Outcome == FundingOutcome.RequiresAction ? result.ClientSecret : null,
            invoice?.Id.Value,
            result.DeclineCode,
            result.Message);
    }

    /// <summary>
    /// A success of an attempt no longer in flight (decision 010-late-charges): it funds the milestone if the
    /// milestone is still fundable and unfunded and the charge is its price; otherwise the charge is recorded
    /// as a duplicate, which the worker refunds once. The employer hears of either.
    /// </summary>
    private async Task<Invoice?> ApplyLateSuccessAsync(
        Milestone milestone, Invoice? invoice, int attempt, string paymentIntentId, FundingResult result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var charged = result.Amount is { } amount ? new Money(amount, milestone.EmployerTotal.Currency) : milestone.EmployerTotal;
        if (!milestone.CanBeFundedLate(attempt, paymentIntentId, charged))
        {
            milestone.RecordDuplicateCharge(attempt, paymentIntentId, result.ChargeId, charged, now);
            return invoice;
        }

        milestone.FundLate(attempt, paymentIntentId, result.ChargeId, charged, now);
        var contract = await contracts.FindAsync(milestone.ContractId, cancellationToken) ?? throw new NotFoundException("Contract", milestone.ContractId);
        contract.MilestoneFunded(now);
        invoice ??= await invoiceIssuer.IssueFundingAsync(milestone, attempt, paymentIntentId, now, cancellationToken);
        invoice.FollowPayment(InvoicePaymentStatus.Paid, paymentIntentId, now);
        return invoice;
    }

    private async Task ApplyAsync(Milestone milestone, Invoice invoice, int attempt, FundingResult result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (result.Outcome)
        {
            case FundingOutcome.Succeeded:
                milestone.MarkFunded(attempt, result.PaymentIntentId ?? string.Empty, result.ChargeId, now);
                var contract = await contracts.FindAsync(milestone.ContractId, cancellationToken)
                    ?? throw new NotFoundException("Contract", milestone.ContractId);
                contract.MilestoneFunded(now);
                invoice.FollowPayment(InvoicePaymentStatus.Paid, result.PaymentIntentId, now);
                break;
            case FundingOutcome.Processing:
            case FundingOutcome.RequiresAction:
                if (milestone.Funding.PaymentIntentId != result.PaymentIntentId)
                {
                    var reason = result.Outcome == FundingOutcome.Processing ? "funding_processing" : "funding_requires_action";
                    var secret = result.Outcome == FundingOutcome.RequiresAction ? result.ClientSecret : null;
                    milestone.MarkFundingAwaitingAction(attempt, result.PaymentIntentId ?? string.Empty, secret, reason, now);
                    milestone.ScheduleFundingCheck(now.Add(options.Value.CheckDelay(milestone.Funding.Checks)));
                }

                // The same news again (a webhook after reconciliation asked, an event the sweep re-reads) leaves the
                // next check where it is: reconciliation's own check already scheduled the next one.
                invoice.FollowPayment(InvoicePaymentStatus.Pending, result.PaymentIntentId, now);
                break;
            case FundingOutcome.Declined:
                milestone.MarkFundingFailed(
                    attempt,
                    new FundingError(result.DeclineCode ?? "card_declined", result.Message ?? "The payment was declined."),
                    now);
                invoice.FollowPayment(InvoicePaymentStatus.Failed, result.PaymentIntentId, now);
                break;
            case FundingOutcome.Unknown when milestone.Funding.PaymentIntentId is null && milestone.Funding.Checks >= options.Value.UnknownChecksBeforeGivingUp:
                // Stripe never told us what became of the attempt's request: the attempt fails visibly instead of staying in
                // flight for as long as Stripe keeps the key (a day). Should it have charged after all, that is a late charge.
                milestone.MarkFundingFailed(
                    attempt,
                    new FundingError(
                        PaymentProviderUnavailable,
                        $"Stripe did not complete the payment and no charge of it is known. Fund the milestone again (POST /api/v1/milestones/{milestone.Id.Value}/fund); should the first payment go through after all, it funds the milestone or is refunded."),
                    now);
                invoice.FollowPayment(InvoicePaymentStatus.Failed, null, now);
                break;
            case FundingOutcome.Unknown:
                // Neither success nor failure: the milestone stays funding and reconciliation asks the provider. Not a check
                // of its own: in a reconciliation round, taking the check counted it (Funding:UnknownChecksBeforeGivingUp).
                milestone.ScheduleFundingCheck(now.Add(options.Value.CheckDelay(milestone.Funding.Checks)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, null);
        }
    }
}
