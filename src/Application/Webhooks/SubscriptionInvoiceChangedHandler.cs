using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Invoices;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Application.Webhooks;

/// <summary>invoice.paid / invoice.payment_failed of a plan: our SUB invoice, issued once and following the payment.</summary>
public sealed class SubscriptionInvoiceChangedHandler(
    IRepository<EmployerBillingProfile, UserId> profiles,
    IReadStore store,
    IInvoiceRepository invoices,
    InvoiceIssuer invoiceIssuer,
    TimeProvider clock) : IProviderEventHandler<SubscriptionInvoiceChanged>
{
    public async Task<WebhookOutcome> ApplyAsync(SubscriptionInvoiceChanged providerEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(providerEvent);
        var profile = await profiles.FindByCustomerAsync(store, providerEvent.CustomerId, cancellationToken);
        if (profile is null)
        {
            return WebhookOutcome.Ignored;
        }

        var now = clock.GetUtcNow();
        var status = providerEvent.Paid ? InvoicePaymentStatus.Paid : InvoicePaymentStatus.Failed;
        var existingId = await store.FirstOrDefaultAsync(
            store.Query<Invoice>().Where(i => i.Kind == InvoiceKind.Subscription && i.PaymentReference == providerEvent.ProviderInvoiceId).Select(i => (InvoiceId?)i.Id),
            cancellationToken);
        if (existingId is { } id && await invoices.FindAsync(id, cancellationToken) is { } invoice)
        {
            invoice.FollowPayment(status, providerEvent.ProviderInvoiceId, now);
            return WebhookOutcome.Applied;
        }

        await invoiceIssuer.IssueSubscriptionAsync(
            profile.Id, providerEvent.Plan ?? profile.Plan, new Money(providerEvent.Amount, providerEvent.Currency), status, providerEvent.ProviderInvoiceId, now, cancellationToken);
        return WebhookOutcome.Applied;
    }
}
