using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;

namespace OpenTrain.Clean.Application.Invoices.GetInvoice;

public sealed record GetInvoiceQuery(Guid InvoiceId) : IQuery<InvoiceResponse>;

public sealed class GetInvoiceHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetInvoiceQuery, InvoiceResponse>
{
    public async ValueTask<InvoiceResponse> Handle(GetInvoiceQuery query, CancellationToken cancellationToken)
    {
        var id = new InvoiceId(query.InvoiceId);
        var invoice = await store.FirstOrDefaultAsync(store.Query<Invoice>().ReadableBy(user).Where(i => i.Id == id), cancellationToken)
            ?? throw new NotFoundException("Invoice", query.InvoiceId);
        return invoice.ToResponse();
    }
}
