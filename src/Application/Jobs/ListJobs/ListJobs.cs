using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;

namespace OpenTrain.Clean.Application.Jobs.ListJobs;

/// <summary>Newest first.</summary>
public sealed record ListJobsQuery(JobStatus? Status, int Limit = Paging.DefaultLimit, Guid? StartingAfter = null) : IQuery<Page<JobResponse>>;

public sealed class ListJobsValidator : AbstractValidator<ListJobsQuery>
{
    public ListJobsValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, Paging.MaxLimit);
        RuleFor(q => q.Status).IsInEnum();
    }
}

public sealed class ListJobsHandler(IReadStore store, ICurrentUser user) : IQueryHandler<ListJobsQuery, Page<JobResponse>>
{
    public async ValueTask<Page<JobResponse>> Handle(ListJobsQuery query, CancellationToken cancellationToken)
    {
        var jobs = store.Query<Job>().VisibleTo(store.Query<Contract>(), user);
        if (query.Status is { } status)
        {
            jobs = jobs.Where(j => j.Status == status);
        }

        if (query.StartingAfter is { } after)
        {
            var cursor = new JobId(after);
            var at = await store.FirstOrDefaultAsync(store.Query<Job>().VisibleTo(store.Query<Contract>(), user).Where(j => j.Id == cursor).Select(j => (DateTimeOffset?)j.CreatedAt), cancellationToken);
            if (at is null)
            {
                return Paging.Empty<JobResponse>();
            }

            jobs = NewestFirst.After(jobs, j => j.CreatedAt, j => j.Id, at.Value, cursor);
        }

        var rows = await store.ToListAsync(NewestFirst.Order(jobs, j => j.CreatedAt, j => j.Id).Take(query.Limit + 1).ProjectToResponse(), cancellationToken);
        return Paging.ToPage(rows, query.Limit, j => j.Id.ToString());
    }
}
