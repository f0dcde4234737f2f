using Mediator;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Behaviours;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Application.Contracts.HireTrainer;
using OpenTrain.Clean.Application.Jobs;
using OpenTrain.Clean.Application.Jobs.CreateJob;
using OpenTrain.Clean.Application.Jobs.ListJobs;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.ApproveMilestone;
using OpenTrain.Clean.Application.Milestones.FundMilestone;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.UnitTests.Common;

public sealed class UnitOfWorkBehaviourTests
{
    private readonly IUnitOfWork _unitOfWork = Substitute.For<IUnitOfWork>();
    private readonly IRepository<Job, JobId> _jobs = Substitute.For<IRepository<Job, JobId>>();
    private bool _insideUnitOfWork;

    public UnitOfWorkBehaviourTests()
    {
        _unitOfWork.ExecuteAsync(Arg.Any<Func<CancellationToken, Task<JobResponse>>>(), Arg.Any<CancellationToken>())
            .Returns(call => RunInside(call.Arg<Func<CancellationToken, Task<JobResponse>>>(), call.Arg<CancellationToken>()));
    }

    [Fact]
    public async Task Handle_WhenTheMessageIsACommand_RunsTheHandlerInsideExecuteAsync()
    {
        var handler = new CreateJobHandler(_jobs, Callers.Signed(Parties.Employer), new FakeTimeProvider(Moments.Now));
        var behaviour = new UnitOfWorkBehaviour<CreateJobCommand, JobResponse>(_unitOfWork);
        bool? handlerRanInside = null;
        using var cancellation = new CancellationTokenSource();

        var response = await behaviour.Handle(
            new CreateJobCommand("Label images", null),
            (command, ct) =>
            {
                handlerRanInside = _insideUnitOfWork;
                return handler.Handle(command, ct);
            },
            cancellation.Token);

        Assert.True(handlerRanInside);
        Assert.Equal("Label images", response.Title);
        await _unitOfWork.Received(1).ExecuteAsync(Arg.Any<Func<CancellationToken, Task<JobResponse>>>(), cancellation.Token);
    }

    [Fact]
    public async Task Handle_WhenTheHandlerThrows_LetsTheExceptionLeaveTheUnitOfWork()
    {
        var behaviour = new UnitOfWorkBehaviour<CreateJobCommand, JobResponse>(_unitOfWork);

        await Assert.ThrowsAsync<DomainException>(async () => await behaviour.Handle(
            new CreateJobCommand("Label images", null),
            (_, _) => throw new DomainException("probe", "refused"),
            CancellationToken.None));

        await _unitOfWork.Received(1).ExecuteAsync(Arg.Any<Func<CancellationToken, Task<JobResponse>>>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public void Behaviour_WhenClosedOverAProcessCommand_IsRefusedByItsConstraint()
    {
        // A process commits each of its steps itself; one transaction around it would hold the attempt uncommitted through the provider call.
        Assert.Throws<ArgumentException>(() => typeof(UnitOfWorkBehaviour<,>).MakeGenericType(typeof(FundMilestoneCommand), typeof(FundingResponse)));
    }

    [Theory]
    [InlineData(typeof(FundMilestoneCommand), true)]
    [InlineData(typeof(HireTrainerCommand), true)]
    [InlineData(typeof(ReconcileFundingCommand), true)]
    [InlineData(typeof(Application.Milestones.RefundMilestone.RefundMilestoneCommand), true)]
    [InlineData(typeof(Application.Payouts.Execution.PayDuePayoutsCommand), true)]
    [InlineData(typeof(ApproveMilestoneCommand), false)]
    public void Command_WhenItCallsTheProvider_IsAProcessCommandAndTheUnitOfWorkDoesNotWrapIt(Type command, bool process)
    {
        Assert.Equal(process, command.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IProcessCommand<>)));
        Assert.Equal(!process, SatisfiesUnitOfWorkConstraint(command));
    }

    [Fact]
    public void Behaviour_WhenClosedOverAQuery_IsRefusedByItsConstraint()
    {
        Assert.Equal([typeof(IBaseCommand)], typeof(UnitOfWorkBehaviour<,>).GetGenericArguments()[0].GetGenericParameterConstraints());
        Assert.Throws<ArgumentException>(() => typeof(UnitOfWorkBehaviour<,>).MakeGenericType(typeof(ListJobsQuery), typeof(Page<JobResponse>)));
        Assert.NotNull(typeof(UnitOfWorkBehaviour<,>).MakeGenericType(typeof(CreateJobCommand), typeof(JobResponse)));
    }

    [Fact]
    public void Behaviour_WhenEveryApplicationMessageIsTried_WrapsEveryCommandAndNoQuery()
    {
        var messages = typeof(CreateJobCommand).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMessage).IsAssignableFrom(t))
            .ToList();
        var queries = messages.Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IQuery<>))).ToList();
        var commands = messages.Where(t => typeof(IBaseCommand).IsAssignableFrom(t)).ToList();

        Assert.NotEmpty(queries);
        Assert.NotEmpty(commands);
        Assert.All(queries, query => Assert.False(SatisfiesUnitOfWorkConstraint(query), $"{query.Name} would run in a transaction."));
        Assert.All(commands, command => Assert.True(SatisfiesUnitOfWorkConstraint(command), $"{command.Name} would not be saved."));
    }

    private static bool SatisfiesUnitOfWorkConstraint(Type message) =>
        typeof(UnitOfWorkBehaviour<,>).GetGenericArguments()[0].GetGenericParameterConstraints().All(c => c.IsAssignableFrom(message));

    private async Task<T> RunInside<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        _insideUnitOfWork = true;
        try
        {
            return await work(cancellationToken);
        }
        finally
        {
            _insideUnitOfWork = false;
        }
    }
}
