using FluentValidation;
using Mediator;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Jobs;

namespace OpenTrain.Clean.Application.Jobs.CreateJob;

public sealed record CreateJobCommand(string Title, string? Description) : ICommand<JobResponse>;

public sealed class CreateJobValidator : AbstractValidator<CreateJobCommand>
{
    public CreateJobValidator()
    {
        RuleFor(c => c.Title).NotEmpty().MaximumLength(Job.MaxTitleLength).NoControlCharacters();
        RuleFor(c => c.Description).MaximumLength(Job.MaxDescriptionLength).NoControlCharacters(allowLineBreaks: true);
    }
}

public sealed class CreateJobHandler(IRepository<Job, JobId> jobs, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<CreateJobCommand, JobResponse>
{
    public ValueTask<JobResponse> Handle(CreateJobCommand command, CancellationToken cancellationToken)
    {
        var job = Job.Create(user.Id, command.Title, command.Description, clock.GetUtcNow());
        jobs.Add(job);
        return ValueTask.FromResult(job.ToResponse());
    }
}
