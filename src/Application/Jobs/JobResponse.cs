using OpenTrain.Clean.Domain.Jobs;
using Riok.Mapperly.Abstractions;

namespace OpenTrain.Clean.Application.Jobs;

/// <summary>A job; its title is the project name on invoices.</summary>
public sealed record JobResponse(Guid Id, Guid EmployerId, string Title, string? Description, JobStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? ArchivedAt);

[Mapper]
internal static partial class JobMappings
{
    [MapperIgnoreSource(nameof(Job.DomainEvents))]
    [MapperIgnoreSource(nameof(Job.Version))]
    public static partial JobResponse ToResponse(this Job job);

    public static partial IQueryable<JobResponse> ProjectToResponse(this IQueryable<Job> query);

    private static Guid ToGuid(Domain.Common.JobId id) => id.Value;

    private static Guid ToGuid(Domain.Common.UserId id) => id.Value;
}
