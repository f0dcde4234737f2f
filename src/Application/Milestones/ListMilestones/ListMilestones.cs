using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones.ListMilestones;

/// <summary>A contract's milestones in sequence order; <c>startingAfter</c> is a milestone id.</summary>
public sealed record ListMilestonesQuery(Guid ContractId, MilestoneStatus? Status, int Limit = Paging.DefaultLimit, Guid? StartingAfter = null) : IQuery<Page<MilestoneResponse>>;

public sealed class ListMilestonesValidator : AbstractValidator<ListMilestonesQuery>
{
    public ListMilestonesValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, Paging.MaxLimit);
        RuleFor(q => q.Status).IsInEnum();
    }
}

public sealed class ListMilestonesHandler(IReadStore store, ICurrentUser user) : IQueryHandler<ListMilestonesQuery, Page<MilestoneResponse>>
{
    public async ValueTask<Page<MilestoneResponse>> Handle(ListMilestonesQuery query, CancellationToken cancellationToken)
    {
        var contractId = new ContractId(query.ContractId);
        var employerId = await store.FirstOrDefaultAsync(
            store.Query<Contract>().VisibleTo(user).Where(c => c.Id == contractId).Select(c => (UserId?)c.EmployerId),
            cancellationToken) ?? throw new NotFoundException("Contract", query.ContractId);

        var milestones = store.Query<Milestone>().Where(m => m.ContractId == contractId);
        if (query.Status is { } status)
        {
            milestones = milestones.Where(m => m.Status == status);
        }

        if (query.StartingAfter is { } after)
        {
            var cursorId = new MilestoneId(after);
            var cursorSequence = await store.FirstOrDefaultAsync(
                store.Query<Milestone>().Where(m => m.Id == cursorId && m.ContractId == contractId).Select(m => (int?)m.Sequence),
                cancellationToken) ?? throw new NotFoundException("Milestone", after);
            milestones = milestones.Where(m => m.Sequence > cursorSequence);
        }

        var rows = await store.ToListAsync(
            milestones.OrderBy(m => m.Sequence).Take(query.Limit + 1).ProjectToResponse(viewerIsEmployer: employerId == user.Id),
            cancellationToken);
        return Paging.ToPage(rows, query.Limit, m => m.Id.ToString());
    }
}
