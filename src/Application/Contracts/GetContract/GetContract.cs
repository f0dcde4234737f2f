using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Contracts.GetContract;

/// <summary>The Contract tab: the contract, its escrow and the milestone timeline.</summary>
public sealed record GetContractQuery(Guid ContractId) : IQuery<ContractDetailsResponse>;

public sealed record ContractDetailsResponse(
    ContractResponse Contract,
    string JobTitle,
    EscrowSummary Escrow,
    IReadOnlyList<MilestoneResponse> Milestones);

public sealed class GetContractHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetContractQuery, ContractDetailsResponse>
{
    public async ValueTask<ContractDetailsResponse> Handle(GetContractQuery query, CancellationToken cancellationToken)
    {
        var id = new ContractId(query.ContractId);
        var contract = await store.FirstOrDefaultAsync(store.Query<Contract>().VisibleTo(user).Where(c => c.Id == id), cancellationToken)
            ?? throw new NotFoundException("Contract", query.ContractId);
        var jobTitle = await store.FirstOrDefaultAsync(store.Query<Job>().Where(j => j.Id == contract.JobId).Select(j => j.Title), cancellationToken);
        var milestones = await store.ToListAsync(
            store.Query<Milestone>().Where(m => m.ContractId == id).OrderBy(m => m.Sequence),
            cancellationToken);
        var viewerIsEmployer = user.Id == contract.EmployerId;
        return new ContractDetailsResponse(
            contract.ToResponse(),
            jobTitle ?? string.Empty,
            EscrowSummary.From(milestones.Select(m => (m.Status, m.Amount.Amount))),
            milestones.Select(m => m.ToResponse(viewerIsEmployer, includeTimeline: true)).ToList());
    }
}
