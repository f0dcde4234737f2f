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
    /// <summary>The contract's employer, if the caller may see the contract.</summary>
    private static readonly ReadsByRole<(ContractId Id, UserId User), UserId?> ContractEmployer =
        new((roots, a) => roots.VisibleTo<Contract>(a.User).Where(c => c.Id == a.Id).Select(c => (UserId?)c.EmployerId));

    /// <summary>Where the cursor milestone sits in its contract.</summary>
    private static readonly CompiledRead<(MilestoneId Id, ContractId Contract), int?> CursorSequence =
        new((roots, a) => roots.Set<Milestone>().Where(m => m.Id == a.Id && m.ContractId == a.Contract).Select(m => (int?)m.Sequence));

    /// <summary>A page, projected in the query; a null filter or cursor drops out of the SQL (EF Core compiles one statement per null pattern).</summary>
    private static readonly CompiledRead<PageArgs, MilestoneResponse> PageForEmployer = Page(MilestoneMappings.ResponseFor(viewerIsEmployer: true));

    private static readonly CompiledRead<PageArgs, MilestoneResponse> PageForOthers = Page(MilestoneMappings.ResponseFor(viewerIsEmployer: false));

    public async ValueTask<Page<MilestoneResponse>> Handle(ListMilestonesQuery query, CancellationToken cancellationToken)
    {
        var contractId = new ContractId(query.ContractId);
        var employerId = await store.FirstOrDefaultAsync(ContractEmployer.For(user.Role), (contractId, user.Id), cancellationToken)
            ?? throw new NotFoundException("Contract", query.ContractId);

        int? afterSequence = null;
        if (query.StartingAfter is { } after)
        {
            afterSequence = await store.FirstOrDefaultAsync(CursorSequence, (new MilestoneId(after), contractId), cancellationToken)
                ?? throw new NotFoundException("Milestone", after);
        }

        var rows = await store.ToListAsync(
            employerId == user.Id ? PageForEmployer : PageForOthers,
            new PageArgs(contractId, query.Status, afterSequence, query.Limit + 1),
            cancellationToken);
        return Paging.ToPage(rows, query.Limit, m => m.Id.ToString());
    }

    private static CompiledRead<PageArgs, MilestoneResponse> Page(System.Linq.Expressions.Expression<Func<Milestone, MilestoneResponse>> response) =>
        new((roots, a) => roots.Set<Milestone>()
            .Where(m => m.ContractId == a.Contract && (a.Status == null || m.Status == a.Status) && (a.AfterSequence == null || m.Sequence > a.AfterSequence))
            .OrderBy(m => m.Sequence)
            .Take(a.Take)
            .Select(response));

    private readonly record struct PageArgs(ContractId Contract, MilestoneStatus? Status, int? AfterSequence, int Take);
}
