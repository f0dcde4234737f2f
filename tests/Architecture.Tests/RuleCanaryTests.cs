using NetArchTest.Rules;
using OpenTrain.Clean.Architecture.Tests.Canaries;

namespace OpenTrain.Clean.Architecture.Tests;

/// <summary>
/// Every rule, run on a type that breaks it, must report that type: a rule that cannot fail
/// protects nothing. This is how each rule was checked (and stays checked) without touching src/.
/// </summary>
public sealed class RuleCanaryTests
{
    private const string NamingCanariesNamespace = "OpenTrain.Clean.Architecture.Tests.Canaries.Naming";

    private static readonly Type[] TestTypes = [.. typeof(RuleCanaryTests).Assembly.GetTypes().Where(t => t.Namespace != NamingCanariesNamespace)];

    private static readonly Type[] NamingCanaries = [.. typeof(RuleCanaryTests).Assembly.GetTypes().Where(t => t.Namespace == NamingCanariesNamespace)];

    public static TheoryData<Type> DomainCanaries =>
    [
        typeof(UsesMediator), typeof(UsesFluentValidation), typeof(UsesEntityFrameworkCore),
        typeof(UsesMicrosoftExtensions), typeof(UsesMapperly), typeof(UsesStripe), typeof(UsesQuartz), typeof(UsesAspNetCore),
    ];

    public static TheoryData<Type> ApplicationCanaries => [typeof(UsesEntityFrameworkCore), typeof(UsesStripe), typeof(UsesQuartz), typeof(UsesAspNetCore)];

    [Theory]
    [MemberData(nameof(DomainCanaries))]
    public void DomainPackageRule_WhenATypeUsesAForbiddenPackage_ReportsIt(Type canary)
    {
        var failing = Rules.TypesDependingOn(Types.InAssembly(canary.Assembly).That().HaveName(canary.Name), LayerDependencyTests.PackagesForbiddenInDomain);

        Assert.Equal([canary.FullName!], failing);
    }

    [Theory]
    [MemberData(nameof(ApplicationCanaries))]
    public void ApplicationPackageRule_WhenATypeUsesAForbiddenPackage_ReportsIt(Type canary)
    {
        var failing = Rules.TypesDependingOn(Types.InAssembly(canary.Assembly).That().HaveName(canary.Name), LayerDependencyTests.PackagesForbiddenInApplication);

        Assert.Equal([canary.FullName!], failing);
    }

    [Fact]
    public void ApplicationPackageRule_WhenATypeUsesMediator_DoesNotReportIt()
    {
        var failing = Rules.TypesDependingOn(Types.InAssembly(typeof(UsesMediator).Assembly).That().HaveName(nameof(UsesMediator)), LayerDependencyTests.PackagesForbiddenInApplication);

        Assert.Empty(failing);
    }

    [Theory]
    [InlineData(typeof(UsesApplication), Layers.ApplicationNamespace)]
    [InlineData(typeof(UsesInfrastructure), Layers.InfrastructureNamespace)]
    [InlineData(typeof(UsesApi), Layers.ApiNamespace)]
    public void ProjectRule_WhenATypeUsesAnOuterProject_ReportsIt(Type canary, string project)
    {
        var failing = Rules.TypesDependingOn(Types.InAssembly(canary.Assembly).That().HaveName(canary.Name), project);

        Assert.Equal([canary.FullName!], failing);
    }

    [Theory]
    [InlineData(typeof(UsesInfrastructure))]
    [InlineData(typeof(UsesPersistenceOutbox))]
    [InlineData(typeof(UsesEntityFrameworkCore))]
    public void PersistenceRule_WhenATypeUsesPersistence_ReportsIt(Type canary)
    {
        var failing = Rules.TypesDependingOn(Types.InAssembly(canary.Assembly).That().HaveName(canary.Name), LayerDependencyTests.PersistenceNamespaces);

        Assert.Equal([canary.FullName!], failing);
    }

    [Fact]
    public void PersistenceRule_WhenATypeUsesInfrastructureButNotItsPersistence_DoesNotReportIt()
    {
        var failing = Rules.TypesDependingOn(Types.InAssembly(typeof(UsesPaymentSimulator).Assembly).That().HaveName(nameof(UsesPaymentSimulator)), LayerDependencyTests.PersistenceNamespaces);

        Assert.Empty(failing);
    }

    [Fact]
    public void NamingRule_WhenMessagesOrHandlersAreMisnamed_ReportsEachButAcceptsWellNamedPairs()
    {
        var violations = Rules.MessageNamingViolations(NamingCanaries);

        Assert.Equal(7, Rules.Messages(NamingCanaries).Count);
        Assert.Equal(
            new[]
            {
                "CanaryFindCommand: a query is named <Name>Query",
                "CanaryFindHandler: handles CanaryFindCommand, so it must be named CanaryFindCommandHandler",
                "CanaryOrphanCommand: 0 handlers, expected one named CanaryOrphanHandler",
                "CanaryPayout: a command is named <Name>Command",
                "CanaryPingRequest: a plain request; a message is a command or a query",
                "CanaryRefundProcessor: handles CanaryRefundCommand, so it must be named CanaryRefundHandler",
            },
            violations.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ReferenceRule_WhenAnAssemblyUsesTheApi_ReportsTheReference()
    {
        Assert.Equal(["OpenTrain.Clean.Api"], Rules.ReferencedAssemblies(typeof(UsesApi).Assembly, "OpenTrain.Clean.Api"));
    }

    [Fact]
    public void AggregateRule_WhenAnAggregateIsUnsealedOrHasPublicSetters_ReportsEach()
    {
        var aggregates = Rules.Aggregates(TestTypes);

        var violations = Rules.AggregateViolations(aggregates);

        Assert.Equal(3, aggregates.Count);
        Assert.Equal(
            new[] { "AggregateWithPublicInit.Name: public setter", "AggregateWithPublicSetter.Name: public setter", "UnsealedAggregate: not sealed" },
            violations.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void HandlerRule_WhenAHandlerIsNotSealed_ReportsIt()
    {
        var handlers = Rules.Handlers(TestTypes);

        Assert.Equal([typeof(UnsealedQueryHandler)], handlers);
        Assert.Equal([typeof(UnsealedQueryHandler).FullName!], Rules.UnsealedHandlers(handlers));
    }

    [Fact]
    public void EventRule_WhenAnEventIsAClassOrNotPastTense_ReportsEachButAcceptsAPastTenseRecord()
    {
        var events = Rules.DomainEvents(TestTypes);

        var violations = Rules.EventViolations(events, new HashSet<string>());

        Assert.Equal(3, events.Count);
        Assert.Equal(
            new[] { "CanaryClassEventRaised: not a record", "CanaryRaiseSomething: not named in the past tense" },
            violations.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EventRule_WhenTheNameIsAnAcceptedException_DoesNotReportIt()
    {
        var violations = Rules.EventViolations([typeof(CanaryRaiseSomething)], new HashSet<string> { nameof(CanaryRaiseSomething) });

        Assert.Empty(violations);
    }
}
