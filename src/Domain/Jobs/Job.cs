using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.Jobs;

public enum JobStatus
{
    Open,
    Archived,
}

public sealed record JobCreated(JobId JobId, UserId EmployerId, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record JobArchived(JobId JobId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>An employer's job; its title is the "project name" printed on invoices.</summary>
public sealed class Job : AggregateRoot<JobId>
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const string HasUnresolvedMilestones = "job_has_unresolved_milestones";
    public const string AlreadyArchived = "job_archived";
    public const string TitleRequired = "title_required";

    private Job()
    {
        Title = string.Empty;
    }

    public UserId EmployerId { get; private set; }

    public string Title { get; private set; }

    public string? Description { get; private set; }

    public JobStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? ArchivedAt { get; private set; }

    public static Job Create(UserId employerId, string title, string? description, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            throw new DomainException(TitleRequired, "A job needs a title.");
        }

        var job = new Job
        {
            Id = JobId.New(),
            EmployerId = employerId,
            Title = title.Trim(),
            Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
            Status = JobStatus.Open,
            CreatedAt = now,
        };
        job.Raise(new JobCreated(job.Id, employerId, now));
        return job;
    }

    /// <summary>Hiring and new milestones need an open job.</summary>
    public void EnsureOpen()
    {
        if (Status == JobStatus.Archived)
        {
            throw new DomainException(AlreadyArchived, $"Job {Id} is archived.");
        }
    }

    /// <summary>
    /// Archives the job. Refused while any milestone of any of its contracts is unresolved:
    /// the caller passes the job's milestones as they stand.
    /// </summary>
    public void Archive(IEnumerable<(MilestoneId Id, MilestoneStatus Status)> milestones, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        EnsureOpen();
        var unresolved = milestones.Where(m => m.Status.IsUnresolved()).ToList();
        if (unresolved.Count > 0)
        {
            throw new DomainException(
                HasUnresolvedMilestones,
                $"Job {Id} has {unresolved.Count} unresolved milestone(s); resolve them before archiving.",
                new Dictionary<string, object?>
                {
                    ["unresolvedMilestones"] = unresolved
                        .Select(m => new Dictionary<string, object?> { ["id"] = m.Id.Value, ["status"] = m.Status.ToApiName() })
                        .ToList(),
                });
        }

        Status = JobStatus.Archived;
        ArchivedAt = now;
        Raise(new JobArchived(Id, now));
    }
}
