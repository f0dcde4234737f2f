using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;

namespace OpenTrain.Clean.Application.Contracts.ListContracts;

/// <summary>The caller's contracts, newest first, optionally of one job.</summary>
public sealed record ListContractsQuery(Guid? JobId, ContractStatus? Status, int Limit = Paging.DefaultLimit, Guid? StartingAfter = null) : IQuery<Page<ContractResponse>>;

public sealed class ListContractsValidator : AbstractValidator<ListContractsQuery>
{
    public ListContractsValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, Paging.MaxLimit);
        RuleFor(q => q.Status).IsInEnum();
    }
}

public sealed class ListContractsHandler(IReadStore store, ICurrentUser user) : IQueryHandler<ListContractsQuery, Page<ContractResponse>>
{
    public async ValueTask<Page<ContractResponse>> Handle(ListContractsQuery query, CancellationToken cancellationToken)
    {
        var contracts = store.Query<Contract>().VisibleTo(user);
        if (query.JobId is { } job)
        {
            var jobId = new JobId(job);
            contracts = contracts.Where(c => c.JobId == jobId);
        }

        if (query.Status is { } status)
        {
            contracts = contracts.Where(c => c.Status == status);
        }

        if (query.StartingAfter is { } after)
        {
            var cursor = new ContractId(after);
            var at = await store.FirstOrDefaultAsync(store.Query<Contract>().VisibleTo(user).Where(c => c.Id == cursor).Select(c => (DateTimeOffset?)c.HiredAt), cancellationToken);
            if (at is null)
            {
                return Paging.Empty<ContractResponse>();
            }

            contracts = NewestFirst.After(contracts, c => c.HiredAt, c => c.Id, at.Value, cursor);
        }

        var rows = await store.ToListAsync(NewestFirst.Order(contracts, c => c.HiredAt, c => c.Id).Take(query.Limit + 1).ProjectToResponse(), cancellationToken);
        return Paging.ToPage(rows, query.Limit, c => c.Id.ToString());
    }
}
