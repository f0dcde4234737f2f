using FluentValidation;
using NSubstitute;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Behaviours;
using OpenTrain.Clean.Application.Jobs;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Application.Jobs.CreateJob;
using OpenTrain.Clean.Application.Jobs.ListJobs;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Jobs;

namespace OpenTrain.Clean.Application.UnitTests.Common;

public sealed class ValidationBehaviourTests
{
    private readonly IRepository<Job, JobId> _jobs = Substitute.For<IRepository<Job, JobId>>();
    private readonly CreateJobHandler _handler;

    public ValidationBehaviourTests() =>
        _handler = new CreateJobHandler(_jobs, Callers.Signed(Parties.Employer), new FakeTimeProvider(Moments.Now));

    [Fact]
    public async Task Handle_WhenAValidatorFails_ThrowsValidationExceptionBeforeTheHandlerRuns()
    {
        var behaviour = new ValidationBehaviour<CreateJobCommand, JobResponse>([new CreateJobValidator()]);
        var handlerRan = false;

        var exception = await Assert.ThrowsAsync<ValidationException>(async () => await behaviour.Handle(
            new CreateJobCommand(" ", null),
            (command, ct) =>
            {
                handlerRan = true;
                return _handler.Handle(command, ct);
            },
            CancellationToken.None));

        Assert.False(handlerRan);
        _jobs.DidNotReceiveWithAnyArgs().Add(default!);
        Assert.Contains(exception.Errors, e => e.PropertyName == nameof(CreateJobCommand.Title));
    }

    [Fact]
    public async Task Handle_WhenSeveralValidatorsFail_ReportsTheFailuresOfEveryValidator()
    {
        var extra = new InlineValidator<CreateJobCommand>();
        extra.RuleFor(c => c.Description).NotEmpty();
        var behaviour = new ValidationBehaviour<CreateJobCommand, JobResponse>([new CreateJobValidator(), extra]);

        var exception = await Assert.ThrowsAsync<ValidationException>(async () =>
            await behaviour.Handle(new CreateJobCommand(string.Empty, null), _handler.Handle, CancellationToken.None));

        Assert.Equal(
            [nameof(CreateJobCommand.Description), nameof(CreateJobCommand.Title)],
            exception.Errors.Select(e => e.PropertyName).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Handle_WhenEveryValidatorPasses_RunsTheHandlerAndReturnsItsResponse()
    {
        var behaviour = new ValidationBehaviour<CreateJobCommand, JobResponse>([new CreateJobValidator()]);

        var response = await behaviour.Handle(new CreateJobCommand("Label images", null), _handler.Handle, CancellationToken.None);

        Assert.Equal("Label images", response.Title);
        _jobs.Received(1).Add(Arg.Is<Job>(j => j.Title == "Label images" && j.EmployerId == Parties.Employer));
    }

    [Fact]
    public async Task Handle_WhenAControlCharacterIsInTheTitle_RefusesIt()
    {
        var behaviour = new ValidationBehaviour<CreateJobCommand, JobResponse>([new CreateJobValidator()]);

        var exception = await Assert.ThrowsAsync<ValidationException>(async () =>
            await behaviour.Handle(new CreateJobCommand("Label\u001b[31m images", null), _handler.Handle, CancellationToken.None));

        Assert.Contains(exception.Errors, e => e.PropertyName == nameof(CreateJobCommand.Title));
        _jobs.DidNotReceiveWithAnyArgs().Add(default!);
    }

    [Fact]
    public async Task Handle_WhenTheMessageIsAnInvalidQuery_ThrowsBeforeTheQueryRuns()
    {
        var behaviour = new ValidationBehaviour<ListJobsQuery, Page<JobResponse>>([new ListJobsValidator()]);
        var queryRan = false;

        var exception = await Assert.ThrowsAsync<ValidationException>(async () => await behaviour.Handle(
            new ListJobsQuery(null, Limit: 0),
            (_, _) =>
            {
                queryRan = true;
                return ValueTask.FromResult(new Page<JobResponse>([], false, null));
            },
            CancellationToken.None));

        Assert.False(queryRan);
        Assert.Contains(exception.Errors, e => e.PropertyName == nameof(ListJobsQuery.Limit));
    }
}
