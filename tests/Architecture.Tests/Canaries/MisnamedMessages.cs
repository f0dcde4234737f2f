// Deliberately misnamed commands, queries and handlers: NamingRule canaries (RuleCanaryTests). They live in
// their own namespace so the other handler canaries keep seeing exactly the types they were written for.
#pragma warning disable CA1812 // Never instantiated: these types exist to be inspected.
using Mediator;

namespace OpenTrain.Clean.Architecture.Tests.Canaries.Naming;

internal sealed record CanaryApproveCommand : ICommand<int>;

internal sealed class CanaryApproveHandler : ICommandHandler<CanaryApproveCommand, int>
{
    public ValueTask<int> Handle(CanaryApproveCommand command, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

internal sealed record CanaryListQuery : IQuery<int>;

internal sealed class CanaryListHandler : IQueryHandler<CanaryListQuery, int>
{
    public ValueTask<int> Handle(CanaryListQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

/// <summary>A command whose name does not say so.</summary>
internal sealed record CanaryPayout : ICommand<int>;

internal sealed class CanaryPayoutHandler : ICommandHandler<CanaryPayout, int>
{
    public ValueTask<int> Handle(CanaryPayout command, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

internal sealed record CanaryRefundCommand : ICommand<int>;

/// <summary>A handler named after something else than its command.</summary>
internal sealed class CanaryRefundProcessor : ICommandHandler<CanaryRefundCommand, int>
{
    public ValueTask<int> Handle(CanaryRefundCommand command, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

/// <summary>A query named like a command.</summary>
internal sealed record CanaryFindCommand : IQuery<int>;

internal sealed class CanaryFindHandler : IQueryHandler<CanaryFindCommand, int>
{
    public ValueTask<int> Handle(CanaryFindCommand query, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

/// <summary>A command nobody handles.</summary>
internal sealed record CanaryOrphanCommand : ICommand<int>;

/// <summary>A plain request: neither a command nor a query.</summary>
internal sealed record CanaryPingRequest : IRequest<int>;

internal sealed class CanaryPingHandler : IRequestHandler<CanaryPingRequest, int>
{
    public ValueTask<int> Handle(CanaryPingRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}
