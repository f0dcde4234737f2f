// Deliberately broken types: each breaks exactly one architecture rule, and RuleCanaryTests
// asserts that the rule reports it. If a rule stops catching its canary, the rule is broken.
#pragma warning disable CA1812 // Never instantiated: these types exist to be inspected.
#pragma warning disable CA1822
using Mediator;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Architecture.Tests.Canaries;

internal sealed class UsesMediator
{
    public Unit Probe { get; }
}

internal sealed class UsesFluentValidation
{
    public FluentValidation.ValidationException? Probe { get; }
}

internal sealed class UsesEntityFrameworkCore
{
    public Microsoft.EntityFrameworkCore.DbContext? Probe { get; }
}

internal sealed class UsesMicrosoftExtensions
{
    public Microsoft.Extensions.Logging.ILogger? Probe { get; }
}

internal sealed class UsesMapperly
{
    public Riok.Mapperly.Abstractions.MapperAttribute? Probe { get; }
}

internal sealed class UsesStripe
{
    public Stripe.StripeClient? Probe { get; }
}

internal sealed class UsesQuartz
{
    public Quartz.IJob? Probe { get; }
}

internal sealed class UsesAspNetCore
{
    public Microsoft.AspNetCore.Http.HttpContext? Probe { get; }
}

internal sealed class UsesApplication
{
    public OpenTrain.Clean.Application.Abstractions.ICurrentUser? Probe { get; }
}

internal sealed class UsesInfrastructure
{
    public OpenTrain.Clean.Infrastructure.Persistence.AppDbContext? Probe { get; }
}

internal sealed class UsesApi
{
    public OpenTrain.Clean.Api.Endpoints.CreateJobRequest? Probe { get; }
}

internal class UnsealedAggregate : AggregateRoot<Guid>;

internal sealed class AggregateWithPublicSetter : AggregateRoot<Guid>
{
    public string Name { get; set; } = string.Empty;
}

internal sealed class AggregateWithPublicInit : AggregateRoot<Guid>
{
    public string Name { get; init; } = string.Empty;
}

internal sealed record CanaryQuery : IQuery<int>;

internal class UnsealedQueryHandler : IQueryHandler<CanaryQuery, int>
{
    public ValueTask<int> Handle(CanaryQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

internal sealed class CanaryClassEventRaised : IDomainEvent
{
    public DateTimeOffset OccurredAt { get; init; }
}

internal sealed record CanaryRaiseSomething(DateTimeOffset OccurredAt) : IDomainEvent;

internal sealed record CanaryThingHappened(DateTimeOffset OccurredAt) : IDomainEvent;

internal sealed class UsesPersistenceOutbox
{
    public OpenTrain.Clean.Infrastructure.Persistence.Outbox.OutboxMessage? Probe { get; }
}

/// <summary>Uses Infrastructure, but not its persistence: what the Api may do (the simulator's pages).</summary>
internal sealed class UsesPaymentSimulator
{
    public OpenTrain.Clean.Infrastructure.Payments.Simulator.PaymentSimulator? Probe { get; }
}
