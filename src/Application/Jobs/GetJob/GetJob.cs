using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Access;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;

namespace OpenTrain.Clean.Application.Jobs.GetJob;

public sealed record GetJobQuery(Guid JobId) : IQuery<JobResponse>;

public sealed class GetJobHandler(IReadStore store, ICurrentUser user) : IQueryHandler<GetJobQuery, JobResponse>
{
    public async ValueTask<JobResponse> Handle(GetJobQuery query, CancellationToken cancellationToken)
    {
        var id = new JobId(query.JobId);
        var job = await store.FirstOrDefaultAsync(
            store.Query<Job>().VisibleTo(store.Query<Contract>(), user).Where(j => j.Id == id).ProjectToResponse(),
            cancellationToken);
        return job ?? throw new NotFoundException("Job", query.JobId);
    }
}
